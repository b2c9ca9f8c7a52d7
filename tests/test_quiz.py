"""`ns.Quiz` and `neurosim quiz`: expected values against hand-worked and independent numpy numbers, every
catalogued mistake typed as an answer is diagnosed as that mistake, and sessions driven through stdin."""

from __future__ import annotations

import builtins
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import neurosim as ns
from neurosim.cli import main
from neurosim.explain.quiz import MISTAKES
from tests.reference import reference_backprop


def sig(z):
    return 1 / (1 + np.exp(-z))


def dsig(z):
    return sig(z) * (1 - sig(z))


# A 2-2-2 sigmoid network with non-symmetric weights, so that W and Wᵀ differ.
W1 = np.array([[0.1, 0.2], [0.3, -0.4]])
B1 = np.array([0.1, -0.1])
W2 = np.array([[0.5, -0.6], [0.7, 0.2]])
B2 = np.array([0.2, 0.3])
X = np.array([1.0, 0.5])
Y = np.array([0.0, 1.0])


def network(W1=W1, W2=W2, loss="half_sse", sizes=(2, 2, 2), output=None):
    net = ns.Network(list(sizes), activation="sigmoid", output=output, loss=loss, seed=0)
    net.set_weights(1, W1)
    net.set_biases(1, B1[: sizes[1]])
    net.set_weights(2, W2)
    net.set_biases(2, B2[: sizes[2]])
    return net


def witness(net, x, y):
    """z, a, δ of every layer by tests/reference.py, which shares no code with neurosim."""
    Ws = [net.weights(l) for l in range(1, net.n_layers)]
    bs = [net.biases(l) for l in range(1, net.n_layers)]
    acts = [a.name for a in net.activations]
    t = np.eye(net.sizes[-1])[y] if net.loss.name == "cross_entropy" else np.asarray(y, float)
    z, a, delta, _, grads = reference_backprop(Ws, bs, acts, net.loss.name, x, t)
    return z, a, delta, grads


def diagnosed(quiz, answer):
    result = quiz.check(answer)
    assert not result.correct
    return [c.mistake.key for c in result.mistakes]


# --- expected values ----------------------------------------------------------------------------

def test_hand_worked_forward_values():
    # z_1^(2) = 0.1·1.0 + 0.2·0.5 + 0.1 = 0.3 and a_1^(2) = σ(0.3) = 0.574443 (by hand / table).
    q = ns.Quiz(net=network(), x=X, y=Y, ask="z", where=(2, 1))
    assert q.expected == pytest.approx(0.3, abs=1e-12)
    assert q.symbol == "z_1^(2)"
    assert q.check(0.3).correct and q.check("0.3").correct and q.check(" 0.2995 ").correct
    q = ns.Quiz(net=network(), x=X, y=Y, ask="a", where=(2, 1))
    assert q.expected == pytest.approx(0.5744425168, abs=1e-9)
    assert q.check(0.5744).correct and not q.check(0.55).correct


@pytest.mark.parametrize("ask,where", [("z", (3, 2)), ("a", (3, 1)), ("delta", (3, 2)), ("delta", (2, 1)),
                                       ("grad", (1, 2, 1)), ("grad", (2, 1, 2))])
def test_expected_matches_independent_witness(ask, where):
    q = ns.Quiz(net=network(), x=X, y=Y, ask=ask, where=where)
    z, a, delta, grads = witness(q.net, X, Y)
    if ask == "grad":
        l, i, j = where
        want = grads[l - 1][0][i - 1, j - 1]
    else:
        l, i = where
        want = {"z": z, "a": a, "delta": delta}[ask][l][i - 1]
    assert q.expected == pytest.approx(want, rel=1e-12, abs=1e-15)
    assert q.check(want * (1 + 0.005)).correct          # within the default relative 1e-2
    assert not q.check(want * 1.05).correct


def test_tolerance_is_relative_and_absolute_near_zero():
    q = ns.Quiz(net=network(), x=X, y=Y, ask="z", where=(2, 1), tol=1e-3)
    assert q.check(0.3002).correct and not q.check(0.301).correct
    net = network(W1=np.array([[0.1, -0.2], [0.3, -0.4]]))   # z_1^(2) = 0.1 − 0.1 + 0.1 = 0.1
    net.set_biases(1, [0.0, -0.1])                             # now z_1^(2) = 0 exactly
    q = ns.Quiz(net=net, x=X, y=Y, ask="z", where=(2, 1))
    assert q.expected == pytest.approx(0.0, abs=1e-15)
    assert q.check(0.00005).correct and not q.check(0.001).correct


# --- every catalogued mistake, typed as an answer -------------------------------------------------

def test_output_delta_mistakes():
    q = ns.Quiz(net=network(), x=X, y=Y, ask="delta", where=(3, 1))
    z, a, _, _ = witness(q.net, X, Y)
    r = a[3][0] - Y[0]
    assert q.expected == pytest.approx(r * dsig(z[3][0]))
    assert diagnosed(q, r) == ["forgot_fprime"]
    assert diagnosed(q, 2 * r * dsig(z[3][0])) == ["factor_two"]
    assert diagnosed(q, r * dsig(a[3][0])) == ["fprime_of_a"]
    assert diagnosed(q, -r * dsig(z[3][0])) == ["sign_flipped"]
    assert q.check(r * dsig(z[3][0])).correct


def test_hidden_delta_mistakes():
    q = ns.Quiz(net=network(), x=X, y=Y, ask="delta", where=(2, 1))
    z, a, delta, _ = witness(q.net, X, Y)
    d3, fp = delta[3], dsig(z[2][0])
    # The right rule: column 1 of W^(2), i.e. Σ_j δ_j^(3) W_j1^(2).
    assert q.expected == pytest.approx((W2[0, 0] * d3[0] + W2[1, 0] * d3[1]) * fp)
    assert diagnosed(q, W2[0, 0] * d3[0] + W2[1, 0] * d3[1]) == ["forgot_fprime"]
    assert diagnosed(q, (W2[0, 0] * d3[0] + W2[0, 1] * d3[1]) * fp) == ["wrong_index"]      # row 1: W δ
    assert diagnosed(q, (W1[0, 0] * d3[0] + W1[0, 1] * d3[1]) * fp) == ["wrong_layer"]      # W^(1) instead of W^(2)
    assert diagnosed(q, (W2[0, 0] * d3[0] + W2[1, 0] * d3[1]) * dsig(a[2][0])) == ["fprime_of_a"]
    assert diagnosed(q, -q.expected) == ["sign_flipped"]     # (y − a) at the output flips every δ after it
    assert diagnosed(q, 2 * q.expected) == ["factor_two"]
    # forgot f′ in every layer: no f′ at the output either.
    r = a[3] - Y
    assert diagnosed(q, W2[0, 0] * r[0] + W2[1, 0] * r[1]) == ["forgot_fprime"]
    result = q.check(W2[0, 0] * r[0] + W2[1, 0] * r[1])
    assert result.mistakes[0].how == "in every layer"
    assert "forgot f′(z)" in result.diagnosis


def test_softmax_treated_elementwise():
    W2s = np.array([[0.5, -0.6], [0.7, 0.2], [-0.3, 0.4]])
    net = ns.Network([2, 2, 3], activation="sigmoid", loss="cross_entropy", seed=0)
    net.set_weights(1, W1)
    net.set_biases(1, B1)
    net.set_weights(2, W2s)
    net.set_biases(2, [0.2, 0.3, -0.1])
    q = ns.Quiz(net=net, x=X, y=2, ask="delta", where=(3, 1))
    z, a, _, _ = witness(net, X, 2)
    p = a[3]
    assert q.expected == pytest.approx(p[0])                    # p − onehot(y), class 2 is neuron 3
    assert diagnosed(q, p[0] * p[0] * (1 - p[0])) == ["softmax_elementwise"]   # (p − y)·p(1 − p)
    assert diagnosed(q, 0.0) == ["softmax_elementwise"]          # −y/p · p(1 − p) = 0 off the target class
    assert diagnosed(q, -p[0]) == ["sign_flipped"]
    assert "factor_two" not in {c.mistake.key for c in q.candidates()}   # no ½ in cross-entropy


def test_softmax_mistake_only_for_softmax_networks():
    q = ns.Quiz(net=network(), x=X, y=Y, ask="delta", where=(3, 1))
    assert "softmax_elementwise" not in {c.mistake.key for c in q.candidates()}


def test_forward_mistakes():
    q = ns.Quiz(net=network(), x=X, y=Y, ask="z", where=(2, 1))
    assert diagnosed(q, 0.2) == ["forgot_bias"]                                # 0.1·1 + 0.2·0.5
    assert diagnosed(q, W1[0, 0] * X[0] + W1[1, 0] * X[1] + B1[0]) == ["wrong_index"]   # 0.1 + 0.15 + 0.1
    q = ns.Quiz(net=network(), x=X, y=Y, ask="a", where=(2, 2))
    z2 = W1[1] @ X + B1[1]
    assert diagnosed(q, z2) == ["forgot_f"]
    assert diagnosed(q, sig(W1[1] @ X)) == ["forgot_bias"]


def test_gradient_mistakes():
    q = ns.Quiz(net=network(), x=X, y=Y, ask="grad", where=(2, 1, 2))
    z, a, delta, _ = witness(q.net, X, Y)
    assert q.expected == pytest.approx(delta[3][0] * a[2][1])   # ∂J/∂W_12^(2) = δ_1^(3) a_2^(2)
    assert q.symbol == "∂J/∂W_12^(2)"
    assert diagnosed(q, delta[3][1] * a[2][0]) == ["wrong_index"]     # δ_2^(3) a_1^(2): indices swapped
    assert diagnosed(q, delta[3][0] * a[2][0]) == ["wrong_index"]     # δ_1^(3) a_1^(2): the slip of note 004
    assert diagnosed(q, delta[2][0] * a[2][1]) == ["wrong_layer"]     # δ of layer 2, like W's superscript
    assert diagnosed(q, (a[3][0] - Y[0]) * a[2][1]) == ["forgot_fprime"]
    assert diagnosed(q, -q.expected) == ["sign_flipped"]


def test_two_mistakes_with_the_same_number_are_both_named():
    # With W^(1) = W^(2), row 1 of W^(2) (wrong index) and row 1 of W^(1) (wrong layer) are the same numbers.
    q = ns.Quiz(net=network(W1=W2), x=X, y=Y, ask="delta", where=(2, 1))
    z, a, delta, _ = witness(q.net, X, Y)
    answer = (W2[0] @ delta[3]) * dsig(z[2][0])
    result = q.check(answer)
    assert {c.mistake.key for c in result.mistakes} == {"wrong_index", "wrong_layer"}
    assert "same number" in result.diagnosis


def test_wrong_index_undefined_for_a_non_square_layer_is_not_diagnosed():
    # 2-3-2: the swapped sum Σ_j W_j3 … would need W^(2)_{3j}, which a 2×3 matrix does not have.
    W1b = np.array([[0.1, 0.2], [0.3, -0.4], [0.6, 0.1]])
    W2b = np.array([[0.5, -0.6, 0.3], [0.7, 0.2, -0.8]])
    net = ns.Network([2, 3, 2], activation="sigmoid", seed=0)
    net.set_weights(1, W1b)
    net.set_weights(2, W2b)
    q = ns.Quiz(net=net, x=X, y=Y, ask="delta", where=(2, 3))
    assert "wrong_index" not in {c.mistake.key for c in q.candidates()}
    q = ns.Quiz(net=net, x=X, y=Y, ask="delta", where=(2, 1))   # but for neuron 1 the swap exists
    z, a, delta, _ = witness(net, X, Y)
    assert diagnosed(q, (W2b[0, :2] @ delta[3]) * dsig(z[2][0])) == ["wrong_index"]


def test_unknown_answer_gets_no_diagnosis_but_the_expected_value():
    q = ns.Quiz(net=network(), x=X, y=Y, ask="delta", where=(3, 1))
    result = q.check(123.0)
    assert not result.correct and result.mistakes == () and result.diagnosis is None
    assert result.expected == q.expected and "No mistake in the catalogue" in str(result)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), setup=st.sampled_from([
    dict(), dict(activation="tanh"), dict(loss="sse"), dict(loss="cross_entropy", sizes=(2, 2, 3)),
    dict(activation="relu", loss="binary_cross_entropy"), dict(sizes=(3, 2, 2, 2))]))
def test_random_quizzes_accept_the_right_answer_and_diagnose_every_candidate(seed, setup):
    q = ns.Quiz(seed=seed, **setup)
    z, a, delta, grads = witness(q.net, q.x, q.y)
    if q.kind == "grad":
        l, i, j = q.where
        want = grads[l - 1][0][i - 1, j - 1]
    else:
        l, i = q.where
        want = {"z": z, "a": a, "delta": delta}[q.kind][l][i - 1]
    assert q.expected == pytest.approx(want, rel=1e-9, abs=1e-12)
    assert q.check(want).correct
    for c in q.candidates():
        assert c.mistake.key in diagnosed(q, c.value)
    # one-decimal parameters and inputs
    for W, b in q.net.parameters():
        assert np.allclose(W, np.round(W, 1)) and np.allclose(b, np.round(b, 1)) and np.all(W != 0)
    assert np.allclose(q.x, np.round(q.x, 1))


def test_catalogue_names_the_issue_mistakes():
    names = {m.name for m in MISTAKES.values()}
    for name in ("forgot f′(z)", "used W instead of Wᵀ (wrong index)", "dropped the ½ (factor 2)",
                 "used a instead of z in f′", "summed over the wrong layer", "sign of (a − y) flipped",
                 "softmax treated elementwise"):
        assert name in names


def test_seeded_quiz_is_reproducible_and_shows_the_network():
    q1, q2 = ns.Quiz(seed=5), ns.Quiz(seed=5)
    assert q1.question == q2.question and q1.expected == q2.expected
    text = q1.question
    assert "W^(1)" in text and "W^(2)" in text and "Target y" in text and q1.symbol in text
    for value in q1.x:
        assert f"{value:.1f}" in text


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ValueError, match="ask"):
        ns.Quiz(seed=1, ask="w")
    with pytest.raises(ValueError, match="tol"):
        ns.Quiz(seed=1, tol=0)
    with pytest.raises(ValueError, match="decimals"):
        ns.Quiz(seed=1, decimals=0)
    with pytest.raises(ValueError, match="where"):
        ns.Quiz(net=network(), x=X, y=Y, ask="delta", where=(1, 1))   # the input layer has no δ
    with pytest.raises(ValueError, match="x, y"):
        ns.Quiz(net=network())
    with pytest.raises(ValueError, match="answer"):
        ns.Quiz(seed=1).check("twelve")
    with pytest.raises(TypeError, match="answer"):
        ns.Quiz(seed=1).check(None)


# --- the command line, driven through stdin --------------------------------------------------------

def run_cli(monkeypatch, capsys, argv, stdin):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["quiz", *argv])
    return code, capsys.readouterr()


def independent_answer(seed, **kw):
    q = ns.Quiz(seed=seed, **kw)
    z, a, delta, grads = witness(q.net, q.x, q.y)
    if q.kind == "grad":
        l, i, j = q.where
        return q, grads[l - 1][0][i - 1, j - 1]
    l, i = q.where
    return q, {"z": z, "a": a, "delta": delta}[q.kind][l][i - 1]


def test_session_right_then_wrong_with_retry_after_non_number(monkeypatch, capsys):
    q1, right = independent_answer(11, ask="delta")
    q2, _ = independent_answer(12, ask="delta")
    wrong = -q2.expected     # the sign mistake
    code, out = run_cli(monkeypatch, capsys, ["--seed", "11", "--rounds", "2", "--ask", "delta"],
                        f"{float(right)!r}\nforty-two\n\n{float(wrong)!r}\n")
    assert code == 0
    text = out.out
    assert "Question 1 of 2" in text and "Question 2 of 2" in text
    assert text.count("Please type a number") == 2           # the word and the empty line
    assert "Correct" in text and "Not quite" in text
    assert "sign of (a − y) flipped" in text
    assert "Score: 1/2" in text


def test_session_ends_cleanly_at_eof_with_the_score_so_far(monkeypatch, capsys):
    _, right = independent_answer(3, ask="z")
    code, out = run_cli(monkeypatch, capsys, ["--seed", "3", "--rounds", "3", "--ask", "z"], f"{float(right)}\n")
    assert code == 0 and "Score: 1/1 (2 not answered)" in out.out and "Traceback" not in out.err
    code, out = run_cli(monkeypatch, capsys, ["--seed", "3"], "")
    assert code == 0 and "Score: 0/0" in out.out


def test_session_q_quits(monkeypatch, capsys):
    code, out = run_cli(monkeypatch, capsys, ["--seed", "3", "--rounds", "2"], "q\n")
    assert code == 0 and "Score: 0/0 (2 not answered)" in out.out


def test_session_ctrl_c_ends_with_the_score(monkeypatch, capsys):
    def interrupted(prompt=""):
        raise KeyboardInterrupt
    monkeypatch.setattr(builtins, "input", interrupted)
    code = main(["quiz", "--seed", "3"])
    out = capsys.readouterr()
    assert code == 130 and "Score: 0/0" in out.out and "Traceback" not in out.err


def test_cli_options_reach_the_network(monkeypatch, capsys):
    code, out = run_cli(monkeypatch, capsys, ["--seed", "4", "--sizes", "3,2", "--loss", "cross_entropy",
                                              "--ask", "a", "--decimals", "2"], "")
    assert code == 0
    assert "Network 3-2" in out.out and "softmax" in out.out and "class" in out.out


@pytest.mark.parametrize("argv", [["--sizes", "2"], ["--decimals", "0"],
                                  ["--activation", "nope"], ["--loss", "cross_entropy", "--output", "tanh"]])
def test_cli_bad_arguments_exit_2(monkeypatch, capsys, argv):
    code, out = run_cli(monkeypatch, capsys, ["--seed", "1", *argv], "")
    assert code == 2 and "neurosim quiz: error:" in out.err


@pytest.mark.parametrize("argv, message", [
    (["--activation", "nope"], "--activation: activation: unknown activation 'nope'"),
    (["--activation", "softmax"], "--activation: activation: 'softmax' (layer 2) is allowed only as the output"),
    (["--output", "softmax"], "--output: output: 'softmax' is allowed only with --loss cross_entropy, got --loss "
                              "half_sse"),
    (["--decimals", "0"], "--decimals: decimals: expected a whole number from 1 to 6, got 0"),
    (["--sizes", "2"], "--sizes: sizes: expected at least 2 layers"),
    (["--export", "sheet.md", "--figure", "net.png"], "--figure: not with --export"),
    (["--export", "sheet.md", "--tol", "0.1"], "--tol: not with --export"),
])
def test_cli_errors_name_the_option(monkeypatch, capsys, tmp_path, argv, message):
    monkeypatch.chdir(tmp_path)
    code, out = run_cli(monkeypatch, capsys, ["--seed", "1", *argv], "")
    assert code == 2 and f"neurosim quiz: error: {message}" in out.err and "Traceback" not in out.err
    assert list(tmp_path.iterdir()) == []   # refused before anything was written


def test_cli_activation_help_offers_no_hidden_softmax(capsys):
    with pytest.raises(SystemExit):
        main(["quiz", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "identity, leaky_relu, linear, relu, sigmoid, softplus, tanh; softmax: output only" in text


@pytest.mark.parametrize("argv, message", [
    (["--rounds", "0"], "argument --rounds: expected a whole number >= 1, got '0'"),
    (["--rounds", "two"], "argument --rounds: expected a whole number >= 1, got 'two'"),
    (["--tol", "-1"], "argument --tol: expected a positive finite number, got '-1'"),
    (["--tol", "nan"], "argument --tol: expected a positive finite number, got 'nan'"),
])
def test_cli_bad_numbers_are_refused_by_argparse(monkeypatch, capsys, argv, message):
    with pytest.raises(SystemExit) as exc:
        run_cli(monkeypatch, capsys, ["--seed", "1", *argv], "")
    err = capsys.readouterr().err
    assert exc.value.code == 2 and message in err and "Traceback" not in err


def test_cli_bad_choice_exits_2(monkeypatch, capsys):
    with pytest.raises(SystemExit) as exc:
        run_cli(monkeypatch, capsys, ["--ask", "w"], "")
    assert exc.value.code == 2


def test_worked_solution_is_the_trace_step():
    q = ns.Quiz(net=network(), x=X, y=Y, ask="delta", where=(2, 1))
    result = q.check(1.0)
    step = result.solution
    assert (step.phase, step.kind, step.layer, step.index) == ("backward", "delta", 2, 1)
    assert step.value == pytest.approx(q.expected) and step.formula.startswith("δ_1^(2) = ")
    text = str(result)
    assert "Worked solution" in text and step.formula in text and step.numbers in text
    g = ns.Quiz(net=network(), x=X, y=Y, ask="grad", where=(1, 2, 1)).check(1.0)
    assert (g.solution.kind, g.solution.layer, g.solution.index, g.solution.source) == ("W", 1, 2, 1)
    assert (g.before.kind, g.before.layer, g.before.index) == ("delta", 2, 2)   # the δ it multiplies
    assert g.solution.formula in str(g) and g.before.formula in str(g)


def test_cli_figure_writes_one_drawing_per_round(monkeypatch, capsys, tmp_path):
    code, out = run_cli(monkeypatch, capsys, ["--seed", "1", "--rounds", "2", "--figure",
                                              str(tmp_path / "net.png")], "")
    assert code == 0 and (tmp_path / "net-1.png").stat().st_size > 0
    assert not (tmp_path / "net-2.png").exists()    # the session ended (EOF) before question 2 was shown
    code, out = run_cli(monkeypatch, capsys, ["--seed", "1", "--figure", str(tmp_path / "net.txt")], "")
    assert code == 2 and "--figure: expected a file name ending in one of" in out.err and ".png" in out.err
    code, out = run_cli(monkeypatch, capsys, ["--seed", "1", "--figure", str(tmp_path / "no" / "net.png")], "")
    assert code == 2 and "--figure: the folder" in out.err and "does not exist" in out.err
    assert "Question" not in out.out    # refused before the first question
