"""The bridge views: their matrices equal the matrix twin's and independent numpy formulas written here."""

from __future__ import annotations

import re

import numpy as np
import pytest

import neurosim as ns
from neurosim.cli import main
from neurosim.explain.bridge import batch_bridge, layer_bridge, matrix_lines, side_by_side, why_view


def twin_pass(net, x, y):
    twin = ns.MatrixNetwork.from_network(net)
    twin.forward(x)
    twin.backward(y)
    return twin


def pruned_net(seed: int) -> ns.Network:
    net = ns.Network([3, 4, 3, 2], activation="tanh", seed=seed)
    net.prune(1, 2, 3)
    net.prune(2, 1, 4)
    net.prune(3, 2, 2)
    return net


NETS = [
    ("gradients", lambda: ns.example("gradients")),
    ("some-notes", lambda: ns.example("some-notes")),
    ("alsup", lambda: ns.example("alsup")),
    ("van-vaerenbergh", lambda: ns.example("van-vaerenbergh")),
]


@pytest.mark.parametrize("name,make", NETS)
def test_layer_bridge_equals_the_twin(name, make):
    ex = make()
    net = ex.net
    twin = twin_pass(net, ex.x, ex.y)
    for L in range(2, net.n_layers + 1):
        b = layer_bridge(net, ex.x, ex.y, L)
        np.testing.assert_allclose(b.delta_matrix, twin.Delta[L][:, 0], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(b.delta, twin.Delta[L][:, 0], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(b.outer, twin.grads[L - 2][0], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(b.grad_W, twin.grads[L - 2][0], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(b.grad_b, twin.grads[L - 2][1], rtol=1e-12, atol=1e-15)
        if L < net.n_layers:
            # row i of (W^(L))ᵀ δ^(L+1) is the sum of the messages neuron i received
            WT_delta = twin.W[L - 1].T @ twin.Delta[L + 1][:, 0]
            np.testing.assert_allclose(b.WT_delta, WT_delta, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(b.message_sums, WT_delta, rtol=1e-12, atol=1e-15)


def test_layer_bridge_with_pruned_connections():
    net = pruned_net(4)
    x, y = np.array([0.3, -0.5, 0.9]), np.array([0.2, 0.7])
    twin = twin_pass(net, x, y)
    for L in (2, 3, 4):
        b = layer_bridge(net, x, y, L)
        np.testing.assert_allclose(b.outer, twin.grads[L - 2][0], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(b.delta_matrix, twin.Delta[L][:, 0], rtol=1e-12, atol=1e-15)
    b = layer_bridge(net, x, y, 2)
    assert not b.mask[1, 2] and b.outer[1, 2] == 0.0
    assert "pruned connections (0 in the mask M)" in b.text() and " ∘ " in b.text()


def test_layer_bridge_by_hand():
    # identity 2-2-1 net: δ^(3) = 0.4 − 1 = −0.6; (W^(2))ᵀ δ^(3) = [1, −1]ᵀ·(−0.6) = [−0.6, 0.6]
    net = ns.Network([2, 2, 1], activation="identity")
    net.set_weights(1, [[0.1, 0.2], [0.3, 0.4]])
    net.set_biases(1, [0.5, -0.5])
    net.set_weights(2, [[1.0, -1.0]])
    b = layer_bridge(net, [1.0, 2.0], [1.0], 2)
    np.testing.assert_allclose(b.WT_delta, [-0.6, 0.6])
    np.testing.assert_allclose(b.outer, [[-0.6, -1.2], [0.6, 1.2]])
    text = b.text()
    assert "i = 2: δ_1^(3)·W_12^(2) = (-0.6)·(-1) = 0.6" in text
    assert "(W^(2))ᵀ (2×1)" in text and "δ^(3) (1×1)" in text and "∂J/∂W^(1) (2×2)" in text
    out = layer_bridge(net, [1.0, 2.0], [1.0], 3)
    np.testing.assert_allclose(out.dJda, [-0.6])


@pytest.mark.parametrize("name", ["gradients", "alsup", "some-notes", "van-vaerenbergh"])
def test_batch_bridge_equals_the_twin(name):
    ex = ns.example(name)
    b = batch_bridge(ex.net, ex.X, ex.Y)
    twin = ns.MatrixNetwork.from_network(ex.net)
    grads = twin.gradients(ex.X, ex.Y)
    for l in range(1, ex.net.n_layers + 1):
        np.testing.assert_allclose(b.A[l], twin.A[l], rtol=1e-12, atol=1e-15)
        if l > 1:
            np.testing.assert_allclose(b.Z[l], twin.Z[l], rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(b.Delta[l], twin.Delta[l], rtol=1e-12, atol=1e-15)
    for (dW, db), (tW, tb) in zip(b.grads, grads):
        np.testing.assert_allclose(dW, tW, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(db, tb, rtol=1e-12, atol=1e-15)
    if ex.net.n_layers == 3:
        for (dW, db), (tW, tb) in zip(b.alsup_grads, grads):
            np.testing.assert_allclose(dW, tW, rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(db, tb, rtol=1e-12, atol=1e-15)
    else:
        assert b.alsup == {} and "Alsup's R, S, D, V are for a two-layer network" in b.text()


def test_alsup_formulas_written_out():
    """Alsup's vectorized gradients, straight from his note, against the bridge (independent numpy)."""
    ex = ns.example("alsup")
    W1, b1, W2, b2 = ex.net.weights(1), ex.net.biases(1), ex.net.weights(2), ex.net.biases(2)
    X, Y = ex.X.T, ex.Y.T                         # columns, as in the note
    n = X.shape[1]
    H = W1 @ X + b1[:, None]
    S, D = np.maximum(H, 0), (H > 0).astype(float)
    R = W2 @ S + b2[:, None] - Y
    V = W2.T @ R
    want = [(2 / n * (V * D) @ X.T, 2 / n * (V * D).sum(axis=1)), (2 / n * R @ S.T, 2 / n * R.sum(axis=1))]
    b = batch_bridge(ex.net, ex.X, ex.Y)
    for name, M in (("R", R), ("S", S), ("D", D), ("V", V)):
        np.testing.assert_allclose(b.alsup[name], M, rtol=1e-12, atol=1e-15)
    assert b.alsup["c"] == 2.0 and b.alsup["G_is_R"]
    for (gW, gb), (wW, wb) in zip(b.alsup_grads, want):
        np.testing.assert_allclose(gW, wW, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(gb, wb, rtol=1e-12, atol=1e-15)
    text = b.text()
    assert "factor is 2/n" in text and "R = A^(3) − Y (1×4)" in text and "V = (W^(2))ᵀ R (3×4)" in text


def test_alsup_form_with_a_sigmoid_output_and_weight_decay():
    net = ns.Network([2, 3, 2], activation="relu", output="sigmoid", loss="half_sse", weight_decay=0.1, seed=2)
    X = np.array([[0.5, -1.0], [1.0, 0.2], [-0.3, 0.8]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    b = batch_bridge(net, X, Y)
    assert not b.alsup["G_is_R"] and b.alsup["c"] == 1.0
    for (gW, gb), (tW, tb) in zip(b.alsup_grads, ns.MatrixNetwork.from_network(net).gradients(X, Y)):
        np.testing.assert_allclose(gW, tW, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(gb, tb, rtol=1e-12, atol=1e-15)
    assert "G = R ∘ σ′(Z^(3))" in b.text()


def test_why_view_numbers():
    ex = ns.example("tong-wu")
    w = why_view(ex.net, ex.x, ex.y)
    z = np.array([ex.net.neuron(3, i).z for i in (1, 2)])
    s = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(w.jac, np.diag(s * (1 - s)), atol=1e-8)     # diagonal: elementwise f
    p = np.exp(z) / np.exp(z).sum()
    np.testing.assert_allclose(w.contrast, np.diag(p) - np.outer(p, p), atol=1e-8)   # softmax: full
    twin = twin_pass(ex.net, ex.x, ex.y)
    np.testing.assert_allclose(w.vjp, twin.Delta[3][:, 0], atol=1e-8)
    np.testing.assert_allclose(w.contraction, twin.grads[1][0], atol=1e-8)
    np.testing.assert_allclose(w.outer, twin.grads[1][0], rtol=1e-12)
    np.testing.assert_allclose(w.dz_da, twin.W[1], atol=1e-8)
    np.testing.assert_allclose(w.chain, twin.W[1].T @ twin.Delta[3][:, 0], atol=1e-8)
    for k in range(2):   # ∂z_k/∂W is zero outside row k, and row k is (a^(2))ᵀ
        expected = np.zeros((2, 3))
        expected[k] = twin.A[2][:, 0]
        np.testing.assert_allclose(w.dz_dW[k], expected, atol=1e-8)


def test_why_view_softmax_output():
    ex = ns.example("some-notes")
    w = why_view(ex.net, ex.x, ex.y, layer=1)
    p = np.array([ex.net.neuron(3, i).a for i in (1, 2, 3)])
    np.testing.assert_allclose(w.jac, np.diag(p) - np.outer(p, p), atol=1e-8)
    np.testing.assert_allclose(w.vjp, p - np.eye(3)[int(ex.y)], atol=1e-7)   # δ = p − onehot(y)
    np.testing.assert_allclose(w.dz_da, ex.net.weights(1), atol=1e-8)
    assert w.layer == 1 and "full matrix" in w.text()


def test_matrices_print_with_their_shapes():
    lines = matrix_lines("W", np.array([[1.0, -2.5], [3.0, 4.0], [0.0, 1e-5]]))
    assert lines[0].strip() == "W (3×2)" and lines[1].strip() == "[     1   -2.5 ]"
    assert lines[3].strip() == "[     0  1e-05 ]"   # one width for every cell
    assert matrix_lines("v", np.array([1.0, 2.0]))[0].strip() == "v (2×1)"
    assert "·" in side_by_side([("A", np.eye(2)), "·", ("b", np.ones(2))])
    ex = ns.example("gradients")
    text = layer_bridge(ex.net, ex.x, ex.y, 2).text()
    titles = re.findall(r"\((\d+)×(\d+)\)", text)
    assert ("4", "2") in titles and ("2", "1") in titles and ("1", "3") in titles and ("4", "3") in titles


def test_notation_in_the_bridge():
    ex = ns.example("gradients")
    vv = layer_bridge(ex.net, ex.x, ex.y, 2)
    br = layer_bridge(ex.net, ex.x, ex.y, 2, notation="bracket")
    np.testing.assert_array_equal(vv.delta_matrix, br.delta_matrix)
    assert "(W^[2])ᵀ" in br.text() and "δ^[1]" in br.text()
    assert "(W_2)ᵀ" in layer_bridge(ex.net, ex.x, ex.y, 2, notation="alsup").text()


def test_bridge_command(capsys):
    assert main(["bridge"]) == 0
    out = capsys.readouterr().out
    assert "Layer 3 (2 neurons)" in out and "Layer 2 (4 neurons)" in out and "(W^(2))ᵀ (4×2)" in out
    gap = re.search(r"max \|matrix − per-neuron\| over these layers = (\S+)", out)
    assert float(gap.group(1)) < 1e-15
    assert main(["bridge", "--example", "alsup", "--batch", "4"]) == 0
    out = capsys.readouterr().out
    assert "factor is 2/n" in out and "X (2×4)" in out and "max |Alsup's form − engine|" in out
    assert main(["bridge", "--batch", "6", "--sizes", "2,3,1", "--loss", "sse", "--output", "identity"]) == 0
    assert "m = 6" in capsys.readouterr().out
    assert main(["bridge", "--why", "--example", "tong-wu"]) == 0
    out = capsys.readouterr().out
    assert "why? (1)" in out and "why? (2)" in out and "why? (3)" in out and "diag(σ′(z^(3)))" in out
    assert main(["bridge", "--layer", "2", "--notation", "bracket"]) == 0
    assert "δ^[1] = ((W^[2])ᵀ δ^[2])" in capsys.readouterr().out


@pytest.mark.parametrize("argv,message", [
    (["bridge", "--layer", "1"], "--layer"),
    (["bridge", "--batch", "0"], "argument --batch: expected a whole number >= 1, got '0'"),
    (["bridge", "--batch", "2", "--why"], "--batch"),
    (["bridge", "--digits", "0"], "argument --digits: expected a whole number from 1 to 17, got '0'"),
    (["bridge", "--digits", "18"], "argument --digits: expected a whole number from 1 to 17, got '18'"),
    (["bridge", "--input", "1"], "--input: expected 3 numbers (one per input neuron), got 1: 1"),
    (["bridge", "--target", "1,2,3"], "--target: expected 2 numbers (one per output neuron), got 3: 1,2,3"),
])
def test_bridge_bad_arguments(capsys, argv, message):
    try:
        code = main(argv)
    except SystemExit as exc:   # argparse rejected the number
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_neuron_without_outgoing_connections():
    net = ns.Network([2, 2, 2], seed=3)
    net.prune(2, 1, 2)
    net.prune(2, 2, 2)
    b = layer_bridge(net, [0.3, -0.7], [1.0, 0.0], 2)
    assert b.message_sums[1] == 0.0 == b.WT_delta[1] and b.delta[1] == 0.0
    assert "i = 2: every connection leaving it is pruned: no message, sum 0" in b.text()


def test_why_view_binary_cross_entropy():
    net = ns.Network([2, 3, 2], activation="relu", loss="binary_cross_entropy", seed=7)
    x, y = np.array([0.4, -0.9]), np.array([1.0, 0.0])
    w = why_view(net, x, y)
    a = np.array([net.neuron(3, i).a for i in (1, 2)])
    np.testing.assert_allclose(w.vjp, a - y, atol=1e-7)   # the σ′ of the chain cancels: δ = a − y
    np.testing.assert_allclose(w.jac, np.diag(a * (1 - a)), atol=1e-8)
