"""Property-based tests (hypothesis): on random networks the scalar engine and the matrix twin agree to
1e-10 relative, both agree with central finite differences to 1e-6, and the checks do fail when they should."""

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import neurosim as ns
from neurosim.core.activations import ACTIVATIONS

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "softplus", "identity"]
OUTPUT_LOSS = [("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy")] + [
    (out, loss) for out in ("identity", "tanh", "relu", "sigmoid", "softplus", "leaky_relu")
    for loss in ("half_sse", "sse")
]
KINKED = {"relu", "leaky_relu"}
SETTINGS = dict(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@st.composite
def cases(draw, min_layers=2):
    """(net, X, Y): random sizes, activations, output/loss pair, λ, biases, batch and pruning."""
    n_layers = draw(st.integers(min_layers, 5))
    sizes = draw(st.lists(st.integers(1, 8), min_size=n_layers, max_size=n_layers))
    hidden = draw(st.lists(st.sampled_from(HIDDEN), min_size=n_layers - 2, max_size=n_layers - 2))
    output, loss = draw(st.sampled_from(OUTPUT_LOSS))
    if loss == "cross_entropy":
        sizes[-1] = max(sizes[-1], 2)   # one class per output neuron: at least two
    lam = draw(st.sampled_from([0.0, 0.0, 0.05, 0.7]))
    m = draw(st.integers(1, 6))
    prune = draw(st.sampled_from([0.0, 0.0, 0.2, 0.6]))
    seed = draw(st.integers(0, 2 ** 31 - 1))
    net = ns.Network(sizes, activation=hidden, output=output, loss=loss, weight_decay=lam, seed=seed)
    rng = np.random.default_rng(seed)
    for l in range(1, n_layers):
        net.set_biases(l, rng.normal(0.0, 0.5, sizes[l]))
        for i, j in np.argwhere(rng.random((sizes[l], sizes[l - 1])) < prune) + 1:
            net.prune(l, int(i), int(j))
    X = rng.uniform(-1.5, 1.5, (m, sizes[0]))
    if loss == "cross_entropy":
        Y = rng.integers(0, sizes[-1], m)
    elif loss == "binary_cross_entropy":
        Y = rng.uniform(0.0, 1.0, (m, sizes[-1]))
    else:
        Y = rng.normal(0.0, 1.0, (m, sizes[-1]))
    return net, X, Y


def far_from_kinks(net, X, margin=1e-3):
    """True when no ReLU-type z lies within ``margin`` of 0: ±ε then never crosses a kink."""
    twin = ns.MatrixNetwork.from_network(net)
    twin.forward(X)
    return all(np.all(np.abs(twin.Z[l]) > margin)
               for l, act in enumerate(net.activations, start=2) if act.name in KINKED)


@settings(max_examples=150, **SETTINGS)
@given(cases())
def test_scalar_matrix_and_finite_differences_agree(case):
    net, X, Y = case
    assume(far_from_kinks(net, X))
    report = ns.compare(net, X, Y, rtol=1e-10, atol=1e-12)
    assert report.ok, str(report)

    check = ns.gradient_check(net, X, Y, eps=1e-6, rtol=1e-6)
    assert check.ok, str(check)
    # The twin's gradients against the same difference quotients and the same tolerance.
    twin_grads = ns.MatrixNetwork.from_network(net).gradients(X, Y)
    for row in check.rows:
        dW, db = twin_grads[row.layer - 1]
        g = dW[row.i - 1, row.j - 1] if row.kind == "W" else db[row.i - 1]
        assert abs(g - row.numeric) <= max(1e-6 * max(abs(g), abs(row.numeric)), check.atol), row


@settings(max_examples=60, **SETTINGS)
@given(cases(), st.data())
def test_a_tampered_twin_weight_is_caught_where_it_first_matters(case, data):
    net, X, Y = case
    l = data.draw(st.integers(1, net.n_layers - 1), label="l")
    present = np.argwhere(net.mask(l)) + 1
    assume(len(present) > 0)
    i, j = (int(v) for v in present[data.draw(st.integers(0, len(present) - 1), label="connection")])
    # W_ij^(l) enters z_i^(l+1) = … + W_ij^(l) a_j^(l): with a_j^(l) of example 1 clearly nonzero, that z is
    # the first number of the batch that changes.
    twin = ns.MatrixNetwork.from_network(net)
    twin.forward(X)
    assume(abs(twin.A[l][j - 1, 0]) > 1e-3)
    twin.W[l - 1][i - 1, j - 1] += 0.5
    report = ns.compare(net, X, Y, twin=twin)
    assert not report.ok
    first = report.first_mismatch
    assert (first.kind, first.layer, first.i, first.example) == ("z", l + 1, i, 1)
    assert f"z_{i}^({l + 1}) of example 1 is where it goes wrong" in str(report)


@settings(max_examples=60, **SETTINGS)
@given(cases(min_layers=3))
def test_a_wrong_derivative_fails_the_gradient_check(case):
    net, X, Y = case
    sig = ACTIVATIONS["sigmoid"]
    # A user's sigmoid whose f′ is off by a factor 2 in layer 2 doubles δ^(2), hence ∂J/∂W^(1) and ∂J/∂b^(1).
    wrong = ns.Activation("my_sigmoid", sig.f, lambda z: 2.0 * sig.df(z))
    bad = ns.Network(net.sizes, activation=[wrong] + net.activations[1:-1], output=net.activations[-1],
                     loss=net.loss, weight_decay=net.weight_decay)
    for l in range(1, net.n_layers):
        for c in bad.connections(l):
            if not net.mask(l)[c.i - 1, c.j - 1]:
                bad.prune(l, c.i, c.j)
    bad.set_parameters(net.parameters())
    assume(far_from_kinks(bad, X))
    check = ns.gradient_check(bad, X, Y)
    W1, lam = net.weights(1), net.weight_decay
    # Only the data part (1/m) Σ_k δ^(2) a^(1)ᵀ doubles; the decay λW (weights only) is untouched.
    data_part = {r.symbol: (r.analytic - (lam * W1[r.i - 1, r.j - 1] if r.kind == "W" else 0.0),
                            r.numeric - (lam * W1[r.i - 1, r.j - 1] if r.kind == "W" else 0.0))
                 for r in check.rows if r.layer == 1}
    assume(max(abs(true) for _, true in data_part.values()) > 1e-4)
    assert not check.ok
    assert all(r.ok for r in check.rows if r.layer > 1)
    for wrong_grad, true in data_part.values():
        assert abs(wrong_grad - 2.0 * true) <= 1e-6 * abs(wrong_grad) + 4 * check.atol
