"""The neuron-level objects and the scalar engine: hand-worked values, an independent numpy witness and
central finite differences."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import neurosim as ns
from tests.reference import finite_difference_gradients, reference_backprop


def two_two_one() -> ns.Network:
    """The hand-worked 2-2-1 network of :func:`test_two_two_one_by_hand`."""
    net = ns.Network([2, 2, 1], activation="relu", output="identity", loss="half_sse")
    net.set_weights(1, [[0.5, -1.0], [1.0, 0.25]])
    net.set_biases(1, [0.0, 0.5])
    net.set_weights(2, [[2.0, -0.5]])
    net.set_biases(2, [1.0])
    return net


def test_two_two_one_by_hand():
    """x = (1, 2), y = 1; ReLU hidden layer, identity output, J = ½(a − y)².

    z^(2) = W^(1) x + b^(1) = (0.5·1 − 1·2 + 0, 1·1 + 0.25·2 + 0.5) = (−1.5, 2)
    a^(2) = ReLU(z^(2)) = (0, 2)
    z^(3) = 2·0 − 0.5·2 + 1 = 0 = a^(3);  J = ½(0 − 1)² = 0.5
    δ^(3) = (a − y)·1 = −1
    δ_1^(2) = δ_1^(3) W_11^(2) ReLU′(−1.5) = (−1)(2)(0) = 0
    δ_2^(2) = δ_1^(3) W_12^(2) ReLU′(2) = (−1)(−0.5)(1) = 0.5
    ∂J/∂W^(2) = δ^(3) a^(2)ᵀ = (0, −2);  ∂J/∂b^(2) = −1
    ∂J/∂W^(1) = δ^(2) xᵀ = ((0, 0), (0.5, 1));  ∂J/∂b^(1) = (0, 0.5)
    """
    net = two_two_one()
    assert net.forward([1.0, 2.0]).tolist() == [0.0]
    assert [n.z for n in net.layer(2)] == [-1.5, 2.0]
    assert [n.a for n in net.layer(2)] == [0.0, 2.0]
    net.backward([1.0])
    assert net.neuron(3, 1).delta == -1.0
    assert [n.delta for n in net.layer(2)] == [0.0, 0.5]
    assert net.connection(2, 1, 2).grad == -2.0
    assert net.connection(2, 1, 1).grad == 0.0
    assert net.connection(1, 2, 1).grad == 0.5
    assert net.connection(1, 2, 2).grad == 1.0
    assert net.neuron(2, 2).bias_grad == 0.5 and net.neuron(3, 1).bias_grad == -1.0
    assert net.cost([[1.0, 2.0]], [[1.0]]) == 0.5


def test_three_four_two_matches_independent_numpy():
    """The 3-4-2 sigmoid network of 'Backpropagation of Gradients': every z, a, δ and gradient against
    the equations written out in numpy (tests/reference.py), and the dimension check of each gradient."""
    ex = ns.example("gradients")
    net = ex.net
    Ws = [net.weights(l) for l in (1, 2)]
    bs = [net.biases(l) for l in (1, 2)]
    assert Ws[0].shape == (4, 3) and Ws[1].shape == (2, 4)
    z, a, delta, J, grads = reference_backprop(Ws, bs, ["sigmoid", "sigmoid"], "half_sse", ex.x, ex.y)
    out = net.forward(ex.x)
    net.backward(ex.y)
    np.testing.assert_allclose(out, a[3], rtol=1e-14)
    for l in (2, 3):
        np.testing.assert_allclose([n.z for n in net.layer(l)], z[l], rtol=1e-13)
        np.testing.assert_allclose([n.a for n in net.layer(l)], a[l], rtol=1e-13)
        np.testing.assert_allclose([n.delta for n in net.layer(l)], delta[l], rtol=1e-12)
    for l, (gW, gb) in enumerate(grads, start=1):
        dW = np.array([[net.connection(l, i, j).grad for j in range(1, net.sizes[l - 1] + 1)]
                       for i in range(1, net.sizes[l] + 1)])
        assert dW.shape == Ws[l - 1].shape
        np.testing.assert_allclose(dW, gW, rtol=1e-12)
        np.testing.assert_allclose([n.bias_grad for n in net.layer(l + 1)], gb, rtol=1e-12)
    assert net.cost(ex.X[:1], ex.Y[:1]) == pytest.approx(J, rel=1e-14)


PAIRS = [
    ("sigmoid", None, "half_sse"),
    ("tanh", "identity", "sse"),
    ("relu", "tanh", "half_sse"),
    ("leaky_relu", "softplus", "sse"),
    ("softplus", "sigmoid", "half_sse"),
    ("identity", "relu", "sse"),
    ("tanh", None, "cross_entropy"),
    ("relu", None, "binary_cross_entropy"),
    (["tanh", "sigmoid"], "identity", "half_sse"),
]


def _data(net, m, seed):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (m, net.sizes[0]))
    if net.loss.name == "cross_entropy":
        return X, rng.integers(0, net.sizes[-1], m)
    if net.loss.name == "binary_cross_entropy":
        return X, rng.integers(0, 2, (m, net.sizes[-1])).astype(float)
    return X, rng.uniform(-1, 1, (m, net.sizes[-1]))


@pytest.mark.parametrize("lam", [0.0, 0.3])
@pytest.mark.parametrize("activation, output, loss", PAIRS)
def test_batch_gradients_match_finite_differences(activation, output, loss, lam):
    sizes = [3, 4, 3, 2] if isinstance(activation, list) else [3, 4, 3]
    net = ns.Network(sizes, activation=activation, output=output, loss=loss, weight_decay=lam, seed=7)
    for l in range(1, net.n_layers):
        net.set_biases(l, np.linspace(-0.3, 0.4, net.sizes[l]))
    X, Y = _data(net, 5, 3)
    numeric = finite_difference_gradients(net, X, Y)
    analytic = net.gradients(X, Y)
    for (gW, gb), (nW, nb) in zip(analytic, numeric):
        np.testing.assert_allclose(gW, nW, rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(gb, nb, rtol=1e-5, atol=1e-7)
    # The same numbers stay on the objects.
    for l, (gW, gb) in enumerate(analytic, start=1):
        for c in net.connections(l):
            assert c.grad == gW[c.i - 1, c.j - 1]
        assert [n.bias_grad for n in net.layer(l + 1)] == gb.tolist()


def test_batch_cost_is_eq6():
    """J(W,b) = mean of the per-example costs + (λ/2) Σ W², biases not decayed."""
    net = ns.Network([2, 3, 2], weight_decay=0.2, seed=1)
    net.set_biases(1, [5.0, -5.0, 5.0])  # large biases: they must not enter the decay term
    X, Y = _data(net, 4, 0)
    per_example = []
    for x, y in zip(X, Y):
        out = net.forward(x)
        per_example.append(0.5 * np.sum((out - y) ** 2))
    decay = 0.1 * sum(np.sum(net.weights(l) ** 2) for l in (1, 2))
    assert net.cost(X, Y) == pytest.approx(np.mean(per_example) + decay, rel=1e-14)


def test_backward_twice_gives_the_same_numbers():
    net = ns.example("van-vaerenbergh").net
    net.forward([0.1, 0.2, 0.3])
    net.backward([1.0, 0.0])
    first = [(c.grad, c.target.delta) for l in range(1, 4) for c in net.connections(l)]
    net.backward([1.0, 0.0])
    assert first == [(c.grad, c.target.delta) for l in range(1, 4) for c in net.connections(l)]


def test_backward_before_forward_is_a_clear_error():
    net = ns.Network([2, 2, 1], seed=0)
    with pytest.raises(RuntimeError, match="forward"):
        net.backward([1.0])
    net.forward([0.0, 1.0])
    net.prune(1, 1, 1)
    with pytest.raises(RuntimeError, match="changed"):
        net.backward([1.0])


def test_pruned_connection_is_absent_everywhere():
    net = two_two_one()
    net.graph.remove_edge((1, 2), (2, 1))   # W_12^(1) = −1 removed
    assert net.weights(1).tolist() == [[0.5, 0.0], [1.0, 0.25]]
    assert not net.mask(1)[0, 1] and net.mask(1).sum() == 3
    # z_1^(2) = 0.5·1 + 0 = 0.5 now, a_1^(2) = 0.5, z^(3) = 2·0.5 − 0.5·2 + 1 = 1
    assert net.forward([1.0, 2.0]).tolist() == [1.0]
    net.backward([1.0])
    assert net.neuron(2, 1).delta == 0.0
    with pytest.raises(ValueError, match="pruned"):
        net.connection(1, 1, 2)
    with pytest.raises(ValueError, match="pruned"):
        net.set_weights(1, [[0.5, 3.0], [1.0, 0.25]])
    dW, _ = net.gradients([[1.0, 2.0], [0.5, -1.0]], [[0.0], [1.0]])[0]
    assert dW[0, 1] == 0.0
    net.step([[1.0, 2.0]], [[0.0]], lr=0.1)
    assert net.weights(1)[0, 1] == 0.0
    # Putting the edge back (without a Connection object) restores a connection of weight 0.
    net.graph.add_edge((1, 2), (2, 1))
    assert net.connection(1, 1, 2).weight == 0.0 and net.mask(1).all()


def test_pruned_gradients_match_finite_differences():
    net = ns.Network([3, 4, 2], activation="tanh", seed=4)
    net.prune(1, 2, 3)
    net.prune(2, 1, 4)
    X, Y = _data(net, 3, 1)
    for (gW, gb), (nW, nb) in zip(net.gradients(X, Y), finite_difference_gradients(net, X, Y)):
        np.testing.assert_allclose(gW, nW, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(gb, nb, rtol=1e-6, atol=1e-8)


def test_graph_structure_uses_van_vaerenbergh_indexing():
    net = ns.Network([3, 4, 2], seed=0)
    assert set(net.graph.nodes) == {(l, i) for l, s in ((1, 3), (2, 4), (3, 2)) for i in range(1, s + 1)}
    assert net.graph.number_of_edges() == 3 * 4 + 4 * 2
    c = net.graph.edges[(1, 3), (2, 1)]["connection"]
    assert (c.layer, c.i, c.j) == (1, 1, 3)
    assert c is net.connection(1, 1, 3) and c.weight == net.weights(1)[0, 2]
    assert net.graph.nodes[(2, 4)]["neuron"] is net.neuron(2, 4)
    assert net.neuron(1, 1).z is None and net.neuron(1, 1).bias is None


def test_set_and_get_matrices_round_trip():
    net = ns.Network([3, 4, 2], seed=0)
    W = np.arange(12.0).reshape(4, 3)
    net.set_weights(1, W)
    assert net.connection(1, 2, 3).weight == W[1, 2]
    np.testing.assert_array_equal(net.weights(1), W)
    net.set_biases(2, [0.5, -0.5])
    assert net.neuron(3, 2).bias == -0.5


def test_seeded_initialisation():
    a, b, c = (ns.Network([5, 8, 3], seed=s) for s in (1, 1, 2))
    np.testing.assert_array_equal(a.weights(1), b.weights(1))
    assert not np.array_equal(a.weights(1), c.weights(1))
    assert np.all(a.biases(1) == 0)
    big = ns.Network([400, 300, 1], seed=0)
    assert np.std(big.weights(1)) == pytest.approx(1 / np.sqrt(400), rel=0.02)
    he = ns.Network([400, 300, 1], activation="relu", seed=0)
    assert np.std(he.weights(1)) == pytest.approx(np.sqrt(2 / 400), rel=0.02)


def test_softmax_cross_entropy_delta_is_p_minus_onehot():
    net = ns.Network([2, 3, 3], activation="tanh", loss="cross_entropy", seed=2)
    assert net.activations[-1].name == "softmax"
    p = net.forward([0.3, -0.7])
    assert p.sum() == pytest.approx(1.0)
    net.backward(2)
    np.testing.assert_allclose([n.delta for n in net.layer(3)], p - [0, 0, 1], rtol=1e-15)
    # Labels and one-hot rows give the same cost.
    X = [[0.3, -0.7], [1.0, 0.2]]
    assert net.cost(X, [2, 0]) == net.cost(X, [[0, 0, 1], [1, 0, 0]])
    assert net.cost(X[:1], [2]) == pytest.approx(-np.log(p[2]), rel=1e-14)


def test_training_reduces_cost_and_is_reproducible():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
    Y = np.array([[0], [1], [1], [0]], float)
    h1 = ns.Network([2, 3, 1], activation="tanh", output="sigmoid", seed=3).fit(X, Y, epochs=300, lr=2.0)
    h2 = ns.Network([2, 3, 1], activation="tanh", output="sigmoid", seed=3).fit(X, Y, epochs=300, lr=2.0)
    assert h1 == h2 and len(h1) == 300
    assert h1[-1] < 0.25 * h1[0]
    m1 = ns.Network([2, 3, 1], seed=3).fit(X, Y, epochs=5, lr=0.5, batch_size=2, seed=9)
    m2 = ns.Network([2, 3, 1], seed=3).fit(X, Y, epochs=5, lr=0.5, batch_size=2, seed=9)
    m3 = ns.Network([2, 3, 1], seed=3).fit(X, Y, epochs=5, lr=0.5, batch_size=2, seed=10)
    assert m1 == m2 and m1 != m3


def test_history_is_the_cost_after_each_epoch():
    net = ns.Network([2, 2, 1], seed=0)
    X, Y = [[0.0, 1.0], [1.0, 0.0]], [[1.0], [0.0]]
    twin = ns.Network([2, 2, 1], seed=0)
    history = net.fit(X, Y, epochs=3, lr=0.5)
    for cost in history:
        before = twin.step(X, Y, lr=0.5)
        assert before != twin.cost(X, Y)
        assert cost == twin.cost(X, Y)


def test_step_is_gradient_descent():
    net = ns.Network([2, 3, 2], seed=5, weight_decay=0.1)
    X, Y = _data(net, 3, 2)
    W, b = net.weights(1), net.biases(1)
    (dW, db), _ = net.gradients(X, Y)
    before = net.cost(X, Y)
    assert net.step(X, Y, lr=0.3) == before
    np.testing.assert_allclose(net.weights(1), W - 0.3 * dW, rtol=1e-15)
    np.testing.assert_allclose(net.biases(1), b - 0.3 * db, rtol=1e-15)


def test_diverging_fit_stops_and_puts_back_the_last_weights_not_above_J0():
    rng = np.random.default_rng(0)
    X = rng.normal(0, 10, (20, 2))
    Y = X @ [[3.0], [-2.0]]
    net = ns.Network([2, 4, 1], activation="identity", seed=0)
    J0 = net.cost(X, Y)
    seen = {0: net.parameters()}
    costs = {0: J0}

    def remember(epoch, cost):
        seen[epoch], costs[epoch] = net.parameters(), cost

    # divergence=None: only a NaN or inf cost stops the run, many epochs in.
    with pytest.raises(ns.DivergenceError, match=r"epoch (\d+)") as info:
        with warnings.catch_warnings():
            warnings.simplefilter("error")   # and no RuntimeWarning from numpy on the way
            net.fit(X, Y, epochs=200, lr=0.5, callback=remember, divergence=None)
    err = info.value
    assert err.epoch == len(err.history) + 1 and err.epoch > 1 and not np.isfinite(err.cost)
    restored = max(e for e, c in costs.items() if c <= J0)
    assert err.restored_epoch == restored
    for (W, b), (W0, b0) in zip(net.parameters(), seen[restored]):
        np.testing.assert_array_equal(W, W0)
        np.testing.assert_array_equal(b, b0)
    assert np.isfinite(net.cost(X, Y))


def test_predict_returns_output_rows():
    net = ns.Network([2, 3, 2], seed=0)
    X = [[0.1, 0.2], [0.3, -0.4], [1.0, 1.0]]
    P = net.predict(X)
    assert P.shape == (3, 2)
    for row, x in zip(P, X):
        np.testing.assert_array_equal(row, net.forward(x))


def test_custom_activation_is_used_and_checked():
    cube = ns.Activation("cube", lambda z: z ** 3, lambda z: 3 * z ** 2)
    net = ns.Network([2, 2, 1], activation=cube, output="identity", seed=1)
    net.set_biases(1, [0.2, -0.1])
    X, Y = _data(net, 3, 0)
    for (gW, gb), (nW, nb) in zip(net.gradients(X, Y), finite_difference_gradients(net, X, Y)):
        np.testing.assert_allclose(gW, nW, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(gb, nb, rtol=1e-6, atol=1e-9)
    with pytest.raises(ValueError, match="custom Activation 'cube'"):
        net.save("never-written.json")


def test_reprs_are_readable():
    net = two_two_one()
    net.forward([1.0, 2.0])
    net.backward([1.0])
    assert repr(net.neuron(2, 2)) == "Neuron(2, 2, relu, z=2, a=2, delta=0.5, bias=0.5)"
    assert repr(net.neuron(1, 1)) == "Neuron(1, 1, input, a=1)"
    assert repr(net.connection(2, 1, 2)) == "Connection(W_12^(2)=-0.5, grad=-2)"
    assert repr(net).startswith("Network([2, 2, 1], activation=relu, output=identity, loss=half_sse")


def test_backward_after_a_batch_pass_needs_its_own_forward():
    net = ns.Network([2, 2, 1], seed=0)
    X, Y = [[0.0, 1.0], [1.0, 0.5]], [[1.0], [0.0]]
    for batch_pass in (lambda: net.cost(X, Y), lambda: net.predict(X), lambda: net.gradients(X, Y)):
        net.forward([0.3, 0.3])
        batch_pass()
        with pytest.raises(RuntimeError, match="forward"):
            net.backward([1.0])
