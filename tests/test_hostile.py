"""The hostile-input suite, hand-written cases (issues 23 items 3–8 and 24): every bad input is answered by a
ValueError or TypeError (or a documented subclass) whose message names the parameter, and by the CLI with a
short message, exit 2 (bad arguments) or 1 (a check that fails), and no traceback. Nothing here may allocate
much: the limits refuse huge requests from the sizes alone, before any work.

The graph-surgery cases (issue 23 items 1–2) live with the storage they test.
"""

from __future__ import annotations

import csv
import json
import os
import time

import numpy as np
import pytest

import neurosim as ns
from neurosim.base import limits
from neurosim.base.files import read_json, remove_stale_temporaries, write_json_atomic
from neurosim.data.csvdata import read_csv

from .cli_run import run_cli

# A hostile input is answered by an error, never by a numpy warning on the way.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

X4 = np.array([[0.1, 0.2], [0.3, -0.4], [-0.5, 0.6], [0.7, 0.8]])
Y4 = np.array([[0.0], [1.0], [1.0], [0.0]])


@pytest.fixture
def net():
    return ns.Network([2, 3, 1], seed=0)


def refuses(call, *names, kind=(ValueError, TypeError)):
    """``call()`` raises ``kind`` and the message names every one of ``names``; returns the message."""
    with pytest.raises(kind) as info:
        call()
    message = str(info.value)
    for name in names:
        assert name in message, f"{name!r} not named in: {message}"
    assert len(message) < 600, f"message too long ({len(message)} characters)"
    return message


def error_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.strip()]


# --- issue 23.3: complex input is refused, never truncated ----------------------------------------

@pytest.mark.parametrize("call", [
    lambda n: n.forward(np.array([1 + 1j, 2 + 5j])),
    lambda n: n.forward([1, 2j]),
    lambda n: n.set_weights(1, n.weights(1) + 1j),
    lambda n: n.set_biases(1, np.zeros(3, dtype=complex)),
    lambda n: n.cost(X4 + 0j, Y4),
    lambda n: n.fit(X4, Y4 + 1j, 1, 0.1),
    lambda n: ns.MatrixNetwork.from_network(n).forward(np.array([1j, 0])),
], ids=["forward", "forward-list", "set_weights", "set_biases", "cost", "fit-targets", "twin"])
def test_complex_input_is_refused(net, call):
    before = net.parameters()
    message = refuses(lambda: call(net), "complex", kind=TypeError)
    assert "expected real numbers" in message
    for (W0, b0), (W1, b1) in zip(before, net.parameters()):
        assert np.array_equal(W0, W1) and np.array_equal(b0, b1)


# --- issue 24.1: Python ints beyond the range of a float ---------------------------------------------

def test_int_too_big_for_a_float(net):
    message = refuses(lambda: net.forward([2 ** 1100, 0]), "x", "too large for a float")
    assert f"{len(str(2**1100))} digits" in message and len(message) < 200
    refuses(lambda: net.set_biases(1, [10 ** 400, 0, 0]), "b (biases of layer 1)", "too large")
    refuses(lambda: ns.Network([2, 1], weight_decay=10 ** 400), "weight_decay", "too large for a float")
    refuses(lambda: net.step(X4, Y4, 10 ** 400), "lr")
    refuses(lambda: ns.Quiz(seed=3).check(10 ** 400), "answer")


def test_saved_file_with_a_400_digit_weight(tmp_path, net):
    data = net.to_dict()
    data["weights"][0][0][0] = 10 ** 400
    path = tmp_path / "big.json"
    path.write_text(json.dumps(data))
    refuses(lambda: ns.Network.load(path), "malformed neurosim file", "weights[0]", "too large for a float")


def test_huge_weight_decay_diverges_cleanly():
    net = ns.Network([2, 3, 1], weight_decay=1e308, seed=0)
    before = net.parameters()
    with pytest.raises(ns.DivergenceError):
        net.fit(X4, Y4, 3, 0.1)
    for (W0, b0), (W1, b1) in zip(before, net.parameters()):
        assert np.array_equal(W0, W1) and np.array_equal(b0, b1)


@pytest.mark.parametrize("call, name", [
    (lambda n: ns.Momentum(beta=10 ** 400), "beta"),
    (lambda n: ns.Adam(beta1=10 ** 400), "beta1"),
    (lambda n: ns.Adam(eps=-(10 ** 400)), "eps"),
    (lambda n: ns.animate(n, [0.1, 0.2], [1.0], fps=10 ** 400), "fps"),
    (lambda n: ns.draw(n, dpi=10 ** 400), "dpi"),
    (lambda n: ns.draw(n, figsize=(10 ** 400, 1)), "figsize"),
    (lambda n: ns.plot.decision_boundary(ns.Network([2, 1]), X4, Y4, margin=10 ** 400), "margin"),
    (lambda n: ns.plot.loss_curve([1.0, 10 ** 400]), "history"),
    (lambda n: setattr(n.connection(1, 1, 1), "weight", 10 ** 400), "weight"),
    (lambda n: setattr(n.neuron(2, 1), "bias", -(10 ** 5000)), "bias"),
], ids=["momentum", "adam", "adam-eps", "fps", "dpi", "figsize", "margin", "loss_curve", "weight", "bias"])
def test_huge_ints_anywhere_a_number_goes(net, call, name):
    assert len(refuses(lambda: call(net), name)) < 300


# --- issue 24.3: unchecked arguments -------------------------------------------------------------------

@pytest.mark.parametrize("seed", ["x", -1, 1.5, True, [1, 2]])
def test_seeds_are_checked_by_name(net, seed):
    refuses(lambda: net.fit(X4, Y4, 1, 0.1, batch_size=2, seed=seed), "seed")
    refuses(lambda: ns.gradient_check(net, X4, Y4, seed=seed), "seed")
    if not isinstance(seed, bool | list):   # numpy itself accepts these for a network's weights
        refuses(lambda: ns.Network([2, 1], seed=seed), "seed")


def test_fit_callback_mask_and_set_parameters(net):
    refuses(lambda: net.fit(X4, Y4, 1, 0.1, callback=3), "callback", kind=TypeError)
    refuses(lambda: net.mask(99), "l", "layer number")
    refuses(lambda: net.mask("a"), "l", "layer number")
    for bad in (None, "ab", 3):
        refuses(lambda bad=bad: net.set_parameters(bad), "params", kind=TypeError)
    refuses(lambda: net.set_parameters([1, 2]), "params", "pair")
    refuses(lambda: net.set_parameters([(1, 2, 3), (1, 2)]), "params", "pair")
    refuses(lambda: net.set_parameters(net.parameters()[:1]), "params", "2")


@pytest.mark.parametrize("kwargs, name", [
    ({"dpi": 0}, "dpi"), ({"dpi": -5}, "dpi"), ({"dpi": float("nan")}, "dpi"), ({"dpi": "high"}, "dpi"),
    ({"dpi": 1e6}, "dpi"), ({"figsize": (0, 0)}, "figsize"), ({"figsize": "ab"}, "figsize"),
    ({"figsize": (8, float("inf"))}, "figsize"), ({"figsize": (1, 2, 3)}, "figsize"), ({"ax": "axes"}, "ax"),
])
def test_drawing_arguments(net, kwargs, name):
    refuses(lambda: ns.draw(net, **kwargs), name)


@pytest.mark.parametrize("kwargs, name", [({"dpi": 1e6}, "dpi"), ({"dpi": 0}, "dpi"), ({"figsize": (0, 1)}, "figsize")])
def test_animation_arguments(net, kwargs, name):
    refuses(lambda: ns.animate(net, [0.1, 0.2], [1.0], **kwargs), name)


@pytest.mark.parametrize("path", [None, 3, 1.5, ["a"], b"", "", "  "])
def test_save_and_load_name_the_path(net, path):
    refuses(lambda: net.save(path), "path")
    refuses(lambda: ns.Network.load(path), "path")


@pytest.mark.parametrize("cmap", [None, -1, "no-such-map", "x" * 10 ** 5])
def test_colour_maps_are_checked(net, cmap):
    refuses(lambda: ns.draw(net, cmap=cmap), "cmap", "colour map")


def test_loss_curve_refuses_complex_and_objects():
    refuses(lambda: ns.plot.loss_curve(np.array([1.0, 2j])), "complex", kind=TypeError)
    refuses(lambda: ns.plot.loss_curve(object()), "sequence of numbers", kind=TypeError)


def test_decision_boundary_resolution_is_bounded():
    net = ns.Network([2, 2, 1], seed=0)
    for resolution in (10 ** 5, 1, 2.5, True):
        refuses(lambda r=resolution: ns.plot.decision_boundary(net, X4, Y4, resolution=r), "resolution")


# --- issue 24.4: a user's own Activation is probed at construction ----------------------------------------

@pytest.mark.parametrize("f, df, words, kind", [
    (lambda z: "s", lambda z: 1.0, ("'mine'", "f(z)", "real numbers", "str"), TypeError),
    (lambda z: None, lambda z: 1.0, ("'mine'", "f(z)", "NoneType"), TypeError),
    (lambda: 1.0, lambda z: 1.0, ("'mine'", "f(z)", "must accept"), TypeError),
    (lambda z, w: z, lambda z: 1.0, ("'mine'", "f(z)", "must accept"), TypeError),
    (np.tanh, lambda z: np.array([1.0, 2.0]), ("'mine'", "df(z)", "shape"), ValueError),
    (lambda z: float(z), lambda z: 1.0, ("'mine'", "f(z)", "numpy array"), TypeError),
    (np.tanh, lambda z: np.full(np.shape(z), "x"), ("'mine'", "df(z)", "real numbers"), TypeError),
    (np.tanh, lambda z: z + 1j, ("'mine'", "df(z)", "real numbers"), TypeError),
])
def test_own_activation_is_probed(f, df, words, kind):
    refuses(lambda: ns.Activation("mine", f, df), *words, kind=kind)


def test_good_own_activations_still_work():
    cube = ns.Activation("cube", lambda z: z ** 3, lambda z: 3 * z ** 2)
    net = ns.Network([2, 2, 1], activation=cube, seed=1)
    assert ns.gradient_check(net, X4, Y4).ok
    # Undefined values at the probe points (log of a negative number) are the user's business, not a crash.
    ns.Activation("log1p_abs", lambda z: np.log(z), lambda z: 1 / z)


# --- issue 23.4 / 24.2: CSV -------------------------------------------------------------------------

def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_unterminated_quote_is_an_error(tmp_path):
    path = write(tmp_path, 'a,b,c\n1,2,"a2\n3,4,b3\n5,6,c\n')
    refuses(lambda: read_csv(path, "c"), "line 2", "not closed")


def test_csv_quoted_delimiters_still_read(tmp_path):
    data = read_csv(write(tmp_path, 'a,b,c\n1,2,"x, y"\n3,4,"z"\n'), "c")
    assert list(data.target) == ["x, y", "z"] and data.X.tolist() == [[1, 2], [3, 4]]


def test_csv_huge_field_is_an_error(tmp_path):
    path = write(tmp_path, "a,b\n1," + "9" * (csv.field_size_limit() + 10) + "\n")
    message = refuses(lambda: read_csv(path, "b"), "line 2", "longer than")
    assert len(message) < 300


def test_csv_huge_value_is_excerpted(tmp_path):
    path = write(tmp_path, "a,b\n" + "x" * 100_000 + ",1\n")
    message = refuses(lambda: read_csv(path, "b"), "line 2", "'a'", "finite number")
    assert len(message) < 400


def test_csv_file_size_cap(tmp_path, monkeypatch):
    path = write(tmp_path, "a,b\n" + "1,2\n" * 1000)
    monkeypatch.setenv("NEUROSIM_MAX_FILE_SIZE", "1K")
    refuses(lambda: read_csv(path, "b"), "NEUROSIM_MAX_FILE_SIZE", kind=ns.LimitError)
    monkeypatch.setenv("NEUROSIM_MAX_FILE_SIZE", "none")
    assert read_csv(path, "b").X.shape == (1000, 1)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_dev_zero_stops_at_the_cap(monkeypatch):
    monkeypatch.setenv("NEUROSIM_MAX_FILE_SIZE", "64K")
    refuses(lambda: read_csv("/dev/zero", "label"), "/dev/zero", kind=ns.LimitError)
    refuses(lambda: ns.Network.load("/dev/zero"), "/dev/zero", kind=ns.LimitError)


# --- issue 23.6: upper bounds on sizes and memory -----------------------------------------------------

@pytest.mark.parametrize("call, name", [
    (lambda: ns.Network([10 ** 9, 1]), "sizes"),
    (lambda: ns.Network([100_000, 100_000]), "sizes"),
    (lambda: ns.Network([3, 10 ** 400, 2]), "sizes"),
    (lambda: ns.datasets.xor(m=10 ** 12), "m"),
    (lambda: ns.datasets.moons(m=10 ** 10), "m"),
    (lambda: ns.datasets.blobs(m=10, classes=3, dim=10 ** 10), "dim"),
    (lambda: ns.datasets.sine(m=10 ** 11), "m"),
])
def test_huge_requests_are_refused_up_front(call, name):
    message = refuses(call, name, "NEUROSIM_MAX_MEMORY", kind=ns.LimitError)
    assert "memory" in message


@pytest.mark.parametrize("name", ["xor", "moons", "circles", "spiral", "blobs", "sine"])
def test_noise_that_overflows_is_refused(name):
    refuses(lambda: ns.datasets.load(name, m=300, noise=1e308, seed=0), "noise", "overflow")


def test_a_random_batch_is_measured_by_what_the_commands_keep_of_it(monkeypatch):
    """check --batch keeps three report rows (about 1.1 kB) per example and neuron: 1,000 examples of a
    [10, 20, 5] network need some 26 MB, so a 16M cap refuses them."""
    from neurosim.cli.common import random_batch

    monkeypatch.setenv("NEUROSIM_MAX_MEMORY", "16M")
    net = ns.Network([10, 20, 5], seed=0)
    refuses(lambda: random_batch(net, 1000, 0), "--batch", "1000 examples", kind=ns.LimitError)
    assert random_batch(net, 100, 0)[0].shape == (100, 10)


def test_memory_limit_is_overridable(monkeypatch):
    monkeypatch.setenv("NEUROSIM_MAX_MEMORY", "1M")
    refuses(lambda: ns.Network([100, 100]), "sizes", kind=ns.LimitError)
    refuses(lambda: ns.datasets.xor(m=100_000), "m", kind=ns.LimitError)
    monkeypatch.setenv("NEUROSIM_MAX_MEMORY", "2G")
    assert ns.Network([100, 100]).sizes == [100, 100]
    monkeypatch.setenv("NEUROSIM_MAX_MEMORY", "lots")
    refuses(lambda: ns.Network([2, 1]), "NEUROSIM_MAX_MEMORY", "4G")


def test_limit_values():
    assert limits._parse("4G", "V") == 4 * 1024 ** 3 and limits._parse("512 MiB", "V") == 512 * 1024 ** 2
    assert limits._parse("none", "V") is None and limits._parse("1000", "V") == 1000
    for bad in ("0", "-1G", "abc", "1Q", "1e999"):
        with pytest.raises(ns.LimitError):
            limits._parse(bad, "V")


def test_long_sizes_list_gives_a_short_message(tmp_path):
    data = ns.Network([2, 1]).to_dict()
    data["sizes"] = [1] * 1_000_000
    path = tmp_path / "long.json"
    path.write_text(json.dumps(data))
    assert len(refuses(lambda: ns.Network.load(path), "malformed neurosim file")) < 400
    refuses(lambda: ns.Network([1] * 100_000 + [0]), "sizes", "layer 100001")
    refuses(lambda: ns.Network(["x" * 10 ** 6, 1]), "sizes")


# --- issue 23.7 / 23.8: files: size caps, deep nesting, stale temporaries -------------------------------------

def test_saved_file_size_cap(tmp_path, monkeypatch, net):
    path = tmp_path / "net.json"
    net.save(path)
    monkeypatch.setenv("NEUROSIM_MAX_FILE_SIZE", "100")
    refuses(lambda: ns.Network.load(path), "net.json", "NEUROSIM_MAX_FILE_SIZE", kind=ns.LimitError)
    monkeypatch.delenv("NEUROSIM_MAX_FILE_SIZE")
    assert ns.Network.load(path).sizes == [2, 3, 1]


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"a":' * 5000 + "1" + "}" * 5000,
                                  "[" * 65 + "]" * 65])
def test_deeply_nested_json(tmp_path, text):
    path = tmp_path / "deep.json"
    path.write_text(text)
    refuses(lambda: ns.Network.load(path), "malformed neurosim file", "nested")


def test_brackets_inside_strings_do_not_count(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"s": "[" * 1000, "t": 'a\\"[[' * 100}))
    assert read_json(path)["s"] == "[" * 1000


@pytest.mark.parametrize("content", [b"\xff\xfe\x00", b"", b"{", b"[1, 2", b'"' + b"x" * 10 ** 5, b"1" * 5000])
def test_broken_files(tmp_path, content):
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    assert len(refuses(lambda: ns.Network.load(path), "malformed neurosim file")) < 400


def test_stale_temporaries_are_removed_and_nothing_else(tmp_path, net):
    old = time.time() - 2 * 3600
    stale = tmp_path / ".neurosim-abcd1234.tmp"
    young = tmp_path / ".neurosim-young123.tmp"
    other = tmp_path / ".neurosim-notours.tmp.bak"
    unrelated = tmp_path / "mine.tmp"
    folder = tmp_path / ".neurosim-folder12.tmp"
    for p in (stale, young, other, unrelated):
        p.write_text("x")
    folder.mkdir()
    for p in (stale, other, unrelated, folder):
        os.utime(p, (old, old))
    net.save(tmp_path / "net.json")
    assert not stale.exists()
    assert young.exists() and other.exists() and unrelated.exists() and folder.is_dir()
    assert ns.Network.load(tmp_path / "net.json").sizes == [2, 3, 1]
    assert sorted(os.listdir(tmp_path)) == sorted([young.name, other.name, unrelated.name, folder.name, "net.json"])
    assert remove_stale_temporaries(tmp_path / "no-such-folder") == []


def test_write_json_atomic_refuses_nan_and_leaves_no_temporary(tmp_path):
    with pytest.raises(ValueError):
        write_json_atomic(tmp_path / "x.json", {"a": float("nan")})
    assert os.listdir(tmp_path) == []


# --- the command line ---------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["check", "--sizes", ""], ["check", "--sizes", ","], ["check", "--sizes", "3,,2"], ["step", "--sizes", ""],
    ["check", "--load", ""], ["check", "--load", " "], ["step", "--input", ""], ["bridge", "--target", ","],
    ["check", "--tamper", ""], ["animate", "--out", ""], ["train", "--csv", ""], ["train", "--hidden", ""],
])
def test_cli_empty_values_are_errors(capsys, argv):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and out == ""
    lines = error_lines(err)
    assert 1 <= len(lines) <= 2 and "error" in lines[0] and argv[1] in lines[0]


@pytest.mark.parametrize("argv, name", [
    (["check", "--sizes", "1000000000,1"], "--sizes"),
    (["step", "--sizes", "100000,100000"], "--sizes"),
    (["bridge", "--sizes", "2,2", "--batch", "1000000000"], "--batch"),
    (["train", "--m", "1000000000", "--epochs", "1"], "m"),
    (["train", "--hidden", "100000,100000", "--epochs", "1"], "--hidden"),
    (["train", "--noise", "1e308", "--epochs", "1"], "noise"),
    (["train", "--noise", "1e300", "--epochs", "1", "--dataset", "xor", "--quiet"], ""),
])
def test_cli_huge_values(capsys, argv, name):
    code, out, err = run_cli(capsys, *argv)
    lines = error_lines(err)
    if code == 0:   # a finite noise that trains: fine, as long as numpy printed no warning
        assert "Warning" not in err
        return
    assert code == 2 and 1 <= len(lines) <= 2 and name in lines[0] and "Warning" not in err


def test_cli_deep_and_broken_files(tmp_path, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    code, _, err = run_cli(capsys, "check", "--load", str(deep))
    assert code == 2 and len(error_lines(err)) == 1 and "nested" in err
    big = tmp_path / "big.json"
    data = ns.Network([2, 1]).to_dict()
    data["sizes"] = [3, 10 ** 400, 2]
    data["activations"] = ["sigmoid", "sigmoid"]
    big.write_text(json.dumps(data))
    code, _, err = run_cli(capsys, "check", "--load", str(big))
    assert code == 2 and len(error_lines(err)) == 1 and "sizes" in err and len(err) < 500


def test_cli_csv_problems(tmp_path, capsys):
    quote = write(tmp_path, 'a,b,c\n1,2,"a2\n3,4,b3\n5,6,c\n', "quote.csv")
    code, _, err = run_cli(capsys, "train", "--csv", str(quote), "--target", "c", "--epochs", "1")
    assert code == 2 and "line 2" in err and len(error_lines(err)) <= 2
    huge = write(tmp_path, "a,b\n1," + "9" * 200_000 + "\n", "huge.csv")
    code, _, err = run_cli(capsys, "train", "--csv", str(huge), "--target", "b", "--epochs", "1")
    assert code == 2 and "longer than" in err and len(err) < 500
    wide = write(tmp_path, "a,b,y\n" + "".join(f"{v},1,{k % 2}\n" for k, v in enumerate([1e308, -1e308] * 4)),
                 "wide.csv")
    code, _, err = run_cli(capsys, "train", "--csv", str(wide), "--target", "y", "--standardize", "--epochs", "1")
    assert code == 2 and "--standardize" in err and "column 1" in err


def test_cli_check_says_j_is_not_finite(capsys):
    code, out, err = run_cli(capsys, "check", "--sizes", "3,4,2", "--weight-decay", "1e308", "--rows", "3")
    assert code == 1
    assert "J(W,b) = inf is not finite" in out and "Check the activations' derivatives" not in out
    report = ns.gradient_check(ns.Network([3, 4, 2], weight_decay=1e308, seed=0), np.ones((2, 3)), np.ones((2, 2)))
    assert not report.ok and not report.finite and "not finite" in report.verdict()


def test_cli_help_says_softmax_is_output_only(capsys):
    code, out, _ = run_cli(capsys, "step", "--help")
    assert code == 0 and "softmax: output only" in " ".join(out.split())
