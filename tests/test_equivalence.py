"""compare (scalar engine vs matrix twin), gradient_check (vs finite differences) and `neurosim check`."""

import json

import numpy as np
import pytest

import neurosim as ns
from neurosim.cli import main
from neurosim.core.activations import ACTIVATIONS
from tests.reference import finite_difference_gradients, reference_backprop

SIGMOID = ACTIVATIONS["sigmoid"]


def n_quantities(net, m):
    neurons = sum(net.sizes[1:])
    params = sum(int(net.mask(l).sum()) + net.sizes[l] for l in range(1, net.n_layers))
    return 3 * neurons * m + params


# --- compare ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ns.examples.NAMES)
def test_the_source_note_examples_agree(name):
    ex = ns.example(name)
    report = ns.compare(ex.net, ex.X, ex.Y)
    assert isinstance(report, ns.EquivalenceReport)
    assert report.ok and report.mismatches == [] and report.first_mismatch is None
    assert report.max_abs_error < 1e-12
    assert len(report.rows) == n_quantities(ex.net, len(ex.X))
    assert "agree" in str(report)


def test_rows_hold_the_reference_values_in_computation_order():
    net = ns.Network([2, 3, 2], activation="tanh", loss="half_sse", weight_decay=0.1, seed=1)
    net.prune(1, 2, 1)
    X = np.array([[0.3, -0.7], [1.0, 0.4]])
    Y = np.array([[0.1, 0.9], [0.5, -0.2]])
    report = ns.compare(net, X, Y)
    rows = {(r.symbol, r.example): r for r in report.rows}
    Ws = [net.weights(1), net.weights(2)]
    bs = [net.biases(1), net.biases(2)]
    for k in range(2):
        z, a, delta, _, _ = reference_backprop(Ws, bs, ["tanh", "tanh"], "half_sse", X[k], Y[k])
        assert rows[("z_3^(2)", k + 1)].scalar == pytest.approx(z[2][2], rel=1e-12)
        assert rows[("a_2^(3)", k + 1)].matrix == pytest.approx(a[3][1], rel=1e-12)
        assert rows[("δ_1^(2)", k + 1)].scalar == pytest.approx(delta[2][0], rel=1e-10)
        assert rows[("δ_1^(2)", k + 1)].matrix == pytest.approx(delta[2][0], rel=1e-10)
    # The pruned connection has no row; the others carry the batch gradient with λW.
    assert ("∂J/∂W_21^(1)", None) not in rows
    grads = net.gradients(X, Y)
    assert rows[("∂J/∂W_12^(2)", None)].scalar == pytest.approx(grads[1][0][0, 1])
    # Per example: z and a layer by layer, then δ from the output back; then gradients, last layer first.
    kinds = [(r.example, r.kind, r.layer) for r in report.rows]
    first_example = [kl for kl in kinds if kl[0] == 1]
    assert first_example == [(1, "z", 2)] * 3 + [(1, "a", 2)] * 3 + [(1, "z", 3)] * 2 + [(1, "a", 3)] * 2 + \
        [(1, "delta", 3)] * 2 + [(1, "delta", 2)] * 3
    gradient_layers = [r.layer for r in report.rows if r.phase == "gradient"]
    assert gradient_layers == sorted(gradient_layers, reverse=True)
    assert all(r.difference == r.matrix - r.scalar for r in report.rows)


def test_a_tampered_twin_weight_is_named_where_it_goes_wrong():
    ex = ns.example("gradients")
    twin = ns.MatrixNetwork.from_network(ex.net)
    twin.W[1][0, 2] += 1e-3          # W_13^(2): feeds z_1^(3)
    report = ns.compare(ex.net, ex.X, ex.Y, twin=twin)
    assert not report.ok
    first = report.first_mismatch
    assert (first.symbol, first.example, first.phase) == ("z_1^(3)", 1, "forward")
    assert "z_1^(3) of example 1 is where it goes wrong" in str(report)
    # Everything upstream of it agrees: the hidden layer's forward values are all fine.
    assert all(r.ok for r in report.rows if r.kind in ("z", "a") and r.layer == 2)
    assert report.max_abs_error > 1e-5


def test_a_wrong_derivative_in_the_twin_is_found_at_the_hidden_delta():
    ex = ns.example("gradients")
    twin = ns.MatrixNetwork.from_network(ex.net)
    twin.activations[0] = ns.Activation("sigmoid", SIGMOID.f, lambda z: 0.9 * SIGMOID.df(z))
    report = ns.compare(ex.net, ex.X, ex.Y, twin=twin)
    first = report.first_mismatch
    assert (first.symbol, first.example, first.phase) == ("δ_1^(2)", 1, "backward")
    assert "δ_1^(2) of example 1 is where it goes wrong" in report.verdict()
    assert all(r.ok for r in report.rows if r.phase == "forward")


def test_a_gradient_only_difference_is_blamed_on_the_gradient_formula():
    net = ns.Network([2, 2, 1], weight_decay=0.1, seed=0)
    twin = ns.MatrixNetwork.from_network(net)
    twin.weight_decay = 0.2
    X, Y = np.array([[0.1, 0.2]]), np.array([[1.0]])
    report = ns.compare(net, X, Y, twin=twin)
    assert report.first_mismatch.phase == "gradient"
    assert report.first_mismatch.symbol == "∂J/∂W_11^(2)"   # last layer first, as backprop produces them
    assert "gradient formula" in report.verdict()


def test_tolerances_decide():
    ex = ns.example("tong-wu")
    twin = ns.MatrixNetwork.from_network(ex.net)
    twin.b[0][0] += 1e-9
    assert not ns.compare(ex.net, ex.X, ex.Y, twin=twin).ok
    assert ns.compare(ex.net, ex.X, ex.Y, twin=twin, rtol=1e-6, atol=1e-6).ok


def test_the_table_stays_readable_for_a_big_network():
    net = ns.Network([20, 30, 10], activation="relu", loss="cross_entropy", seed=0)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(5, 20)), rng.integers(0, 10, 5)
    report = ns.compare(net, X, y)
    assert report.ok and len(report.rows) == n_quantities(net, 5)
    text = str(report)
    assert len(text.splitlines()) <= report.limit + 10
    assert "more rows" in text and "table(limit=None)" in text
    assert len(report.table(limit=None).splitlines()) == len(report.rows) + 2
    twin = ns.MatrixNetwork.from_network(net)
    twin.W[0][:, 0] += 0.5
    bad = ns.compare(net, X, y, twin=twin)
    lines = str(bad).splitlines()
    assert len(lines) <= bad.limit + 10
    assert sum("✗" in line for line in lines) == bad.limit
    assert "more mismatches" in lines[-1]


def test_other_notations_only_change_the_printed_symbols():
    ex = ns.example("tong-wu")
    twin = ns.MatrixNetwork.from_network(ex.net)
    twin.W[0][1, 0] += 0.1
    vv = ns.compare(ex.net, ex.X, ex.Y, twin=twin)
    bracket = ns.compare(ex.net, ex.X, ex.Y, twin=twin, notation="bracket")
    assert [r.scalar for r in vv.rows] == [r.scalar for r in bracket.rows]
    assert vv.first_mismatch.symbol == "z_2^(2)" and bracket.first_mismatch.symbol == "z_2^[1]"
    alsup = ns.gradient_check(ex.net, ex.X, ex.Y, notation="alsup")
    assert alsup.rows[0].symbol == "W_1^(11)"
    with pytest.raises(ValueError, match="notation"):
        ns.compare(ex.net, ex.X, ex.Y, notation="nope")


def test_compare_rejects_bad_arguments():
    net = ns.Network([2, 2, 1], seed=0)
    X, Y = np.zeros((2, 2)), np.zeros((2, 1))
    with pytest.raises(TypeError, match="net"):
        ns.compare(ns.MatrixNetwork.from_network(net), X, Y)
    with pytest.raises(TypeError, match="twin"):
        ns.compare(net, X, Y, twin=net)
    with pytest.raises(ValueError, match="twin"):
        ns.compare(net, X, Y, twin=ns.MatrixNetwork([2, 3, 1]))
    with pytest.raises(ValueError, match="rtol"):
        ns.compare(net, X, Y, rtol=-1)
    with pytest.raises(ValueError, match="X"):
        ns.compare(net, np.zeros((2, 3)), Y)


# --- gradient_check -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ns.examples.NAMES)
def test_gradient_check_passes_on_the_examples(name):
    ex = ns.example(name)
    report = ns.gradient_check(ex.net, ex.X, ex.Y)
    assert isinstance(report, ns.GradientCheckReport)
    assert report.ok and report.max_rel_error < 1e-6 and report.failures == []
    assert len(report.rows) == report.total == n_quantities(ex.net, 0)


def test_numeric_gradients_match_an_independent_finite_difference():
    net = ns.Network([3, 3, 2], activation="softplus", loss="cross_entropy", weight_decay=0.3, seed=2)
    net.prune(2, 1, 3)
    X, y = np.array([[0.2, -0.5, 0.9], [-1.0, 0.3, 0.1]]), np.array([1, 0])
    report = ns.gradient_check(net, X, y)
    fd = finite_difference_gradients(net, X, y)
    by_symbol = {r.symbol: r for r in report.rows}
    assert "W_13^(2)" not in by_symbol    # pruned: not a parameter
    for l, (gW, gb) in enumerate(fd, start=1):
        for (i, j), value in np.ndenumerate(gW):
            if net.mask(l)[i, j]:
                assert by_symbol[f"W_{i + 1}{j + 1}^({l})"].numeric == pytest.approx(value, rel=1e-6, abs=1e-9)
        for i, value in enumerate(gb):
            assert by_symbol[f"b_{i + 1}^({l})"].numeric == pytest.approx(value, rel=1e-6, abs=1e-9)
    assert report.ok


def test_a_wrong_user_derivative_fails_the_gradient_check():
    wrong = ns.Activation("my_sigmoid", SIGMOID.f, lambda z: SIGMOID.f(z))     # f instead of f′
    net = ns.Network([3, 4, 2], activation=wrong, output="sigmoid", seed=1)
    ex = ns.example("gradients")
    report = ns.gradient_check(net, ex.X, ex.Y)
    assert not report.ok and report.max_rel_error > 1e-2
    failed = {r.symbol for r in report.failures}
    # Only parameters upstream of the wrong f′ (W^(1), b^(1)) are affected; W^(2) and b^(2) stay right.
    assert failed and all(s.endswith("^(1)") for s in failed)
    assert "f′" in str(report)
    right = ns.Activation("my_sigmoid", SIGMOID.f, SIGMOID.df)
    assert ns.gradient_check(ns.Network([3, 4, 2], activation=right, output="sigmoid", seed=1), ex.X, ex.Y).ok


def test_gradient_check_leaves_the_weights_exactly_as_they_were():
    ex = ns.example("alsup")
    before = ex.net.parameters()
    ns.gradient_check(ex.net, ex.X, ex.Y, eps=1e-3)
    for (W, b), (V, c) in zip(before, ex.net.parameters()):
        np.testing.assert_array_equal(W, V)
        np.testing.assert_array_equal(b, c)


def test_gradient_check_on_the_twin_and_a_sample_of_parameters():
    net = ns.Network([4, 6, 3], activation="tanh", loss="cross_entropy", seed=3)
    net.prune(1, 1, 1)
    twin = ns.MatrixNetwork.from_network(net)
    X, y = np.random.default_rng(1).normal(size=(3, 4)), np.array([0, 2, 1])
    full = ns.gradient_check(twin, X, y)
    assert full.ok and len(full.rows) == 23 + 6 + 18 + 3
    assert twin.W[0][0, 0] == 0.0
    sample = ns.gradient_check(net, X, y, max_params=7, seed=4)
    assert sample.ok and len(sample.rows) == 7 and sample.total == 50
    assert "random sample of 50" in str(sample)


def test_a_big_step_is_not_a_derivative():
    # ε = 0.5 makes the difference quotient visibly wrong on a curved cost: the check must say so.
    ex = ns.example("gradients")
    assert not ns.gradient_check(ex.net, ex.X, ex.Y, eps=0.5).ok


def test_relu_kinks_are_counted():
    net = ns.Network([1, 1, 1], activation="relu", output="identity", seed=0)
    net.set_weights(1, [[1.0]])
    report = ns.gradient_check(net, np.array([[0.0], [1.0]]), np.array([[1.0], [0.5]]))
    assert report.near_kinks == 1
    assert "kink" in report.verdict()


def test_gradient_check_rejects_bad_arguments():
    ex = ns.example("gradients")
    with pytest.raises(ValueError, match="eps"):
        ns.gradient_check(ex.net, ex.X, ex.Y, eps=0)
    with pytest.raises(ValueError, match="max_params"):
        ns.gradient_check(ex.net, ex.X, ex.Y, max_params=0)
    with pytest.raises(TypeError, match="net"):
        ns.gradient_check("net", ex.X, ex.Y)


# --- neurosim check -----------------------------------------------------------------------------------

def test_check_on_the_default_example(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "all 98 quantities agree" in out and "Gradient check" in out and "result: OK" in out


def test_check_with_options(capsys):
    code = main(["check", "--sizes", "3,5,4,3", "--activation", "tanh,relu", "--loss", "cross_entropy",
                 "--weight-decay", "0.1", "--batch", "3", "--seed", "2", "--rows", "5"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "3-5-4-3 network, 3 examples" in out
    assert "result: OK" in out


def test_check_in_the_bracket_notation(capsys):
    assert main(["check", "--notation", "bracket", "--example", "tong-wu", "--rows", "0"]) == 0
    out = capsys.readouterr().out
    assert "δ_1^[1]" in out and "δ_1^(2)" not in out


def test_check_a_saved_network(tmp_path, capsys):
    net = ns.Network([2, 3, 1], activation="softplus", output="identity", loss="sse", seed=0)
    net.prune(1, 2, 2)
    path = tmp_path / "net.json"
    net.save(path)
    assert main(["check", "--load", str(path), "--batch", "2"]) == 0
    assert "result: OK" in capsys.readouterr().out


def test_check_exits_1_when_the_twin_is_tampered_with(capsys):
    code = main(["check", "--tamper", "1,2,3,0.05", "--rows", "3"])
    out = capsys.readouterr().out
    assert code == 1
    assert "W_23^(1) of the matrix twin changed by +0.05" in out
    assert "z_2^(2) of example 1 is where it goes wrong" in out
    assert "MISMATCH in scalar vs matrix" in out


def test_check_exits_1_when_finite_differences_disagree(capsys):
    assert main(["check", "--eps", "0.5"]) == 1
    assert "MISMATCH in gradient check" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["check", "--batch", "0"],
    ["check", "--tamper", "1,2"],
    ["check", "--tamper", "3,1,1"],
    ["check", "--sizes", "3,x"],
    ["check", "--sizes", "3,2", "--loss", "cross_entropy", "--output", "sigmoid"],
    ["check", "--eps", "-1"],
    ["check", "--rows", "-1"],
    ["check", "--load", "/nonexistent/net.json"],
])
def test_check_bad_arguments_exit_2(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exc:   # argparse's own errors exit from inside parse_args
        code = exc.code
    captured = capsys.readouterr()
    assert code == 2
    assert "error" in captured.err and "Traceback" not in captured.err


def test_check_bad_file_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"sizes": "nope"}))
    assert main(["check", "--load", str(path)]) == 2
    assert "error" in capsys.readouterr().err
