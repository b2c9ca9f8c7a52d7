"""The matrix twin against hand-worked numbers, the independent numpy reference and the scalar Network."""

import numpy as np
import pytest

import neurosim as ns
from neurosim.core.activations import ACTIVATIONS
from tests.reference import reference_backprop

CONFIGS = [
    dict(sizes=[3, 4, 2], activation="sigmoid", loss="half_sse"),
    dict(sizes=[2, 5, 3, 3], activation="tanh", loss="cross_entropy", weight_decay=0.05),
    dict(sizes=[3, 4, 4, 2], activation=["relu", "softplus"], output="identity", loss="sse", weight_decay=0.1),
    dict(sizes=[2, 3, 2], activation="leaky_relu", loss="binary_cross_entropy"),
    dict(sizes=[4, 1], activation="identity", loss="half_sse"),
]


def data(net, m, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (m, net.sizes[0]))
    k = net.sizes[-1]
    if net.loss.name == "cross_entropy":
        y = rng.integers(0, k, m)
        return X, y, np.eye(k)[y]
    Y = rng.integers(0, 2, (m, k)).astype(float) if net.loss.name == "binary_cross_entropy" else rng.normal(size=(m, k))
    return X, Y, Y


def test_hand_worked_linear_network():
    # 2-2-1, identity everywhere, half_sse. By hand: z^(2) = [1+2, 0+1+1] = [3, 2], z^(3) = 3 − 2 + 0.5 = 1.5,
    # J = ½·1.5² = 1.125, δ^(3) = 1.5, δ^(2) = W^(2)ᵀ δ^(3) = [1.5, −1.5],
    # ∂J/∂W^(2) = δ^(3) a^(2)ᵀ = [[4.5, 3]], ∂J/∂W^(1) = δ^(2) xᵀ = [[1.5, 1.5], [−1.5, −1.5]].
    twin = ns.MatrixNetwork([2, 2, 1], activation="identity")
    twin.set_parameters([(np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([0.0, 1.0])),
                         (np.array([[1.0, -1.0]]), np.array([0.5]))])
    X, Y = np.array([[1.0, 1.0]]), np.array([[0.0]])
    assert twin.forward(X[0]) == pytest.approx([1.5])
    twin.backward(Y[0])
    assert twin.Z[2][:, 0] == pytest.approx([3.0, 2.0])
    assert twin.Delta[3][:, 0] == pytest.approx([1.5])
    assert twin.Delta[2][:, 0] == pytest.approx([1.5, -1.5])
    assert twin.cost(X, Y) == pytest.approx(1.125)
    (dW1, db1), (dW2, db2) = twin.gradients(X, Y)
    np.testing.assert_allclose(dW2, [[4.5, 3.0]])
    np.testing.assert_allclose(db2, [1.5])
    np.testing.assert_allclose(dW1, [[1.5, 1.5], [-1.5, -1.5]])
    np.testing.assert_allclose(db1, [1.5, -1.5])


def test_hand_worked_weight_decay_and_batch_mean():
    # Two examples with targets 0 and 3 on a 1-1 identity net with W = 2, b = 0, λ = 0.5:
    # J = ½(½(2·1 − 0)² + ½(2·1 − 3)²) + ¼·2² = ½(2 + 0.5) + 1 = 2.25; ∂J/∂W = ½(2·1 + (−1)·1) + 0.5·2 = 1.5.
    twin = ns.MatrixNetwork([1, 1], activation="identity", weight_decay=0.5)
    twin.set_parameters([(np.array([[2.0]]), np.array([0.0]))])
    X, Y = np.array([[1.0], [1.0]]), np.array([[0.0], [3.0]])
    assert twin.cost(X, Y) == pytest.approx(2.25)
    (dW, db), = twin.gradients(X, Y)
    assert dW[0, 0] == pytest.approx(1.5)
    assert db[0] == pytest.approx(0.5)


@pytest.mark.parametrize("config", CONFIGS)
def test_columns_match_the_reference_per_example(config):
    net = ns.Network(seed=3, **config)
    twin = ns.MatrixNetwork.from_network(net)
    X, Y, T = data(net, 5)
    twin.forward(X)
    twin.backward(Y)
    Ws, bs = [twin.W[l] for l in range(net.n_layers - 1)], [twin.b[l] for l in range(net.n_layers - 1)]
    acts = [a.name for a in net.activations]
    mean = [(np.zeros_like(W), np.zeros_like(b)) for W, b in zip(Ws, bs)]
    for k in range(5):
        z, a, delta, _, grads = reference_backprop(Ws, bs, acts, net.loss.name, X[k], T[k])
        for l in range(2, net.n_layers + 1):
            np.testing.assert_allclose(twin.Z[l][:, k], z[l], rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(twin.A[l][:, k], a[l], rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(twin.Delta[l][:, k], delta[l], rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(twin.A[1][:, k], X[k])
        for acc, (gW, gb) in zip(mean, grads):
            acc[0][...] += gW / 5
            acc[1][...] += gb / 5
    # backward(y) leaves the mean gradient without weight decay, like Network.backward for one example.
    for (dW, db), (gW, gb) in zip(twin.grads, mean):
        np.testing.assert_allclose(dW, gW, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(db, gb, rtol=1e-10, atol=1e-14)
    lam = net.weight_decay
    for (dW, db), (gW, gb), W in zip(twin.gradients(X, Y), mean, Ws):
        np.testing.assert_allclose(dW, gW + lam * W, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(db, gb, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("config", CONFIGS)
def test_twin_agrees_with_the_scalar_network(config):
    net = ns.Network(seed=5, **config)
    net.prune(1, 1, 2)
    twin = ns.MatrixNetwork.from_network(net)
    X, Y, _ = data(net, 6, seed=1)
    assert twin.cost(X, Y) == pytest.approx(net.cost(X, Y), rel=1e-12)
    for (dW, db), (sW, sb) in zip(twin.gradients(X, Y), net.gradients(X, Y)):
        np.testing.assert_allclose(dW, sW, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(db, sb, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(twin.predict(X), net.predict(X), rtol=1e-12)
    np.testing.assert_allclose(twin.forward(X[2]), net.forward(X[2]), rtol=1e-12)


def test_constructor_gives_the_networks_weights():
    kwargs = dict(sizes=[3, 5, 2], activation="relu", output="sigmoid", loss="binary_cross_entropy", seed=11)
    twin, net = ns.MatrixNetwork(**kwargs), ns.Network(**kwargs)
    for (W, b), (V, c) in zip(twin.parameters(), net.parameters()):
        np.testing.assert_array_equal(W, V)
        np.testing.assert_array_equal(b, c)
    assert [a.name for a in twin.activations] == ["relu", "sigmoid"]
    assert twin.loss.name == "binary_cross_entropy"


def test_round_trip_keeps_structure_and_parameters():
    net = ns.Network([3, 4, 3], activation=["tanh"], loss="cross_entropy", weight_decay=0.2, seed=2)
    net.prune(1, 2, 3)
    net.prune(2, 3, 1)
    back = ns.MatrixNetwork.from_network(net).to_network()
    assert back.sizes == net.sizes and back.weight_decay == 0.2 and back.loss is net.loss
    assert [a.name for a in back.activations] == ["tanh", "softmax"]
    for l in (1, 2):
        np.testing.assert_array_equal(back.mask(l), net.mask(l))
        np.testing.assert_array_equal(back.weights(l), net.weights(l))
        np.testing.assert_array_equal(back.biases(l), net.biases(l))
    assert not back.graph.has_edge((1, 3), (2, 2))
    X, Y, _ = data(net, 4)
    assert back.cost(X, Y) == net.cost(X, Y)


def test_twin_is_a_copy_not_a_view():
    net = ns.Network([2, 2, 1], seed=0)
    twin = ns.MatrixNetwork.from_network(net)
    twin.W[0][0, 0] += 1.0
    assert net.weights(1)[0, 0] == pytest.approx(twin.W[0][0, 0] - 1.0)


def test_pruned_connections_stay_zero_through_training():
    net = ns.Network([3, 4, 2], activation="tanh", weight_decay=0.01, seed=4)
    net.prune(1, 1, 1)
    net.prune(2, 2, 4)
    twin = ns.MatrixNetwork.from_network(net)
    X, Y, _ = data(net, 8)
    twin.fit(X, Y, epochs=30, lr=0.5)
    assert twin.W[0][0, 0] == 0.0 and twin.W[1][1, 3] == 0.0
    assert twin.mask(1)[0, 0] == np.False_ and twin.mask(1).sum() == 11
    assert twin.gradients(X, Y)[0][0][0, 0] == 0.0
    assert np.count_nonzero(twin.W[0]) == 11
    with pytest.raises(ValueError, match="pruned"):
        twin.set_weights(1, np.ones((4, 3)))


def test_fit_trains_like_the_network():
    # Both engines go through neurosim.training.fit: same data, same shuffling seed, same history.
    net = ns.Network([2, 3, 1], activation="sigmoid", seed=8)
    twin = ns.MatrixNetwork.from_network(net)
    X, Y, _ = data(net, 10)
    h_net = net.fit(X, Y, epochs=15, lr=0.8, batch_size=4, seed=1, progress=False)
    h_twin = twin.fit(X, Y, epochs=15, lr=0.8, batch_size=4, seed=1, progress=False)
    np.testing.assert_allclose(h_twin, h_net, rtol=1e-10)
    for (W, b), (V, c) in zip(twin.parameters(), net.parameters()):
        np.testing.assert_allclose(W, V, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(b, c, rtol=1e-10, atol=1e-14)
    assert h_twin[-1] < h_twin[0]


def test_step_returns_cost_before_and_descends():
    twin = ns.MatrixNetwork([2, 3, 1], activation="tanh", seed=1)
    X, Y = np.array([[0.5, -0.5], [1.0, 0.2]]), np.array([[0.3], [-0.4]])
    before = twin.cost(X, Y)
    grads = twin.gradients(X, Y)
    params = twin.parameters()
    assert twin.step(X, Y, lr=0.1) == pytest.approx(before)
    for (W, b), (W0, b0), (dW, db) in zip(twin.parameters(), params, grads):
        np.testing.assert_allclose(W, W0 - 0.1 * dW)
        np.testing.assert_allclose(b, b0 - 0.1 * db)


def test_divergence_is_reported():
    twin = ns.MatrixNetwork([1, 1], activation="identity", seed=0)
    X, Y = np.array([[1e3]]), np.array([[1.0]])
    with pytest.raises(ns.DivergenceError):
        twin.fit(X, Y, epochs=50, lr=10.0)
    assert np.all(np.isfinite(twin.W[0]))


def test_softmax_columns_and_user_activation():
    cube = ns.Activation("cube", lambda z: z ** 3, lambda z: 3 * z ** 2)
    net = ns.Network([3, 4, 3], activation=cube, loss="cross_entropy", seed=6)
    twin = ns.MatrixNetwork.from_network(net)
    X, Y, T = data(net, 5)
    P = twin.predict(X)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(twin.A[3].sum(axis=0), 1.0)
    # Output δ of softmax + cross-entropy is p − onehot(y).
    twin.gradients(X, Y)
    np.testing.assert_allclose(twin.Delta[3], (P - T).T, atol=1e-15)
    np.testing.assert_allclose(twin.Delta[2], (twin.W[1].T @ twin.Delta[3]) * 3 * twin.Z[2] ** 2, rtol=1e-12)


def test_shapes_of_forward_for_one_example_and_a_batch():
    twin = ns.MatrixNetwork([3, 4, 2], seed=0)
    assert twin.forward(np.zeros(3)).shape == (2,)
    assert twin.A[1].shape == (3, 1)
    assert twin.forward(np.zeros((7, 3))).shape == (7, 2)
    assert twin.Z[2].shape == (4, 7) and twin.Z[1] is None and twin.Delta[1] is None
    twin.backward(np.zeros((7, 2)))
    assert twin.Delta[2].shape == (4, 7)
    assert [dW.shape for dW, _ in twin.grads] == [(4, 3), (2, 4)]


def test_large_batch_is_one_matrix_product_per_layer():
    twin = ns.MatrixNetwork([64, 32, 10], activation="relu", loss="cross_entropy", seed=0)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(2000, 64)), rng.integers(0, 10, 2000)
    grads = twin.gradients(X, y)
    assert grads[0][0].shape == (32, 64)
    assert np.isfinite(twin.cost(X, y))


def test_bad_input_names_the_parameter():
    twin = ns.MatrixNetwork([3, 2], seed=0)
    with pytest.raises(ValueError, match="X"):
        twin.cost(np.zeros((2, 4)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="Y"):
        twin.gradients(np.zeros((2, 3)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="x"):
        twin.forward(np.zeros(5))
    with pytest.raises(ValueError, match="lr"):
        twin.step(np.zeros((1, 3)), np.zeros((1, 2)), lr=-1)
    with pytest.raises(ValueError, match="W"):
        twin.set_weights(1, np.zeros((3, 2)))
    with pytest.raises(ValueError, match="params"):
        twin.set_parameters([])
    with pytest.raises(ValueError, match="l"):
        twin.weights(2)
    with pytest.raises(TypeError, match="net"):
        ns.MatrixNetwork.from_network("not a network")
    with pytest.raises(RuntimeError, match="forward"):
        ns.MatrixNetwork([3, 2], seed=0).backward(np.zeros(2))
    with pytest.raises(ValueError, match="output"):
        ns.MatrixNetwork([3, 2], output="softmax", loss="half_sse")


def test_activation_math_is_shared_not_copied():
    # The twin calls the very Activation objects of the registry (one copy of the math).
    twin = ns.MatrixNetwork([2, 3, 1], activation="tanh", seed=0)
    assert twin.activations[0] is ACTIVATIONS["tanh"]
