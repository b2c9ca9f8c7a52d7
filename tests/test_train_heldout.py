"""``neurosim train`` with held-out data, early stopping, the divergence rule, --init, the standardizer saved with
the network, the default learning rate, and the README's --csv example on the shipped sample file."""

import json
import re
import shlex
import shutil
from pathlib import Path

import numpy as np
import pytest

import neurosim as ns
from neurosim.cli import build_parser, main
from neurosim.cli.train import DEFAULT_LR
from neurosim.data.csvdata import read_csv

from .cli_run import run_cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "demos" / "data.csv"


def run(capsys, *argv):
    return run_cli(capsys, "train", *argv)


def reported(out: str, part: str) -> tuple[float, float, int]:
    """(J, accuracy, examples) of the final line for ``part`` ("trained", "validation", "test")."""
    m = re.search(rf"^{part}: J = (\S+), accuracy\s+([\d.]+)% on the (\d+) ", out, re.M)
    assert m, f"no final {part} line in\n{out}"
    return float(m.group(1)), float(m.group(2)) / 100, int(m.group(3))


def test_three_parts_are_reported_and_the_test_part_is_the_documented_one(capsys, tmp_path):
    path = tmp_path / "net.json"
    code, out, err = run(capsys, "--dataset", "moons", "--m", "100", "--epochs", "40", "--lr", "1", "--quiet",
                         "--val-split", "0.2", "--test-split", "0.3", "--save", str(path))
    assert code == 0, err
    assert "held out: 20 validation, 30 test; training on 50" in out
    # the documented procedure: test rows drawn first with --seed, validation rows from the rest with --seed + 1
    X, Y = ns.datasets.moons(100, seed=0)
    X_rest, X_test, Y_rest, Y_test = ns.datasets.split(X, Y, test=30, seed=0)
    X_train, X_val, Y_train, Y_val = ns.datasets.split(X_rest, Y_rest, test=20, seed=1)
    net = ns.Network.load(path)
    for part, (Xp, Yp) in [("trained", (X_train, Y_train)), ("validation", (X_val, Y_val)),
                           ("test", (X_test, Y_test))]:
        J, accuracy, m = reported(out, part)
        assert m == len(Xp)
        assert J == pytest.approx(net.cost(Xp, Yp), rel=1e-5)
        assert accuracy == pytest.approx(net.accuracy(Xp, Yp), abs=6e-4)


def test_progress_lines_show_the_validation_cost(capsys):
    code, out, _ = run(capsys, "--dataset", "xor", "--m", "20", "--epochs", "4", "--report", "2",
                       "--val-split", "0.25")
    assert code == 0
    lines = [line for line in out.splitlines() if line.startswith("epoch")]
    assert len(lines) == 3 and all("validation J = " in line for line in lines)


def test_patience_stops_early_and_keeps_the_best_weights(capsys, tmp_path):
    path = tmp_path / "net.json"
    code, out, err = run(capsys, "--dataset", "moons", "--m", "60", "--epochs", "400", "--lr", "2", "--quiet",
                         "--hidden", "16", "--noise", "0.4", "--val-split", "0.3", "--patience", "5",
                         "--save", str(path))
    assert code == 0, err
    m = re.search(r"early stopping after epoch (\d+): .* the weights of epoch (\d+) \(lowest validation cost, "
                  r"J_val = (\S+)\) were put back", out)
    assert m, out
    stopped, best, J_best = int(m.group(1)), int(m.group(2)), float(m.group(3))
    assert stopped == best + 5 < 400
    # J_val recomputed by hand from the saved (restored) weights on the validation rows the documented
    # procedure draws: tanh hidden layer, sigmoid output, binary cross-entropy averaged over the rows
    X, Y = ns.datasets.moons(60, noise=0.4, seed=0)
    _, X_val, _, Y_val = ns.datasets.split(X, Y, test=18, seed=1)
    saved = json.loads(path.read_text())
    (W1, W2), (b1, b2) = ([np.array(v) for v in saved[key]] for key in ("weights", "biases"))
    a = 1 / (1 + np.exp(-(np.tanh(X_val @ W1.T + b1) @ W2.T + b2)))[:, 0]
    J_val = -np.mean(Y_val * np.log(a) + (1 - Y_val) * np.log(1 - a))
    assert J_best == pytest.approx(J_val, rel=1e-5)
    assert reported(out, "validation")[0] == pytest.approx(J_val, rel=1e-5)


def test_lr_1e9_exits_1_naming_the_epoch_and_saves_nothing(capsys, tmp_path):
    path = tmp_path / "never.json"
    code, out, err = run(capsys, "--lr", "1e9", "--save", str(path))
    assert code == 1
    assert re.search(r"training diverged in epoch 1 of 200 \(α = 1e\+09\): the cost J = \S+ exceeds "
                     r"1000 × max\(J0, 1\)", err)
    assert "Try a smaller learning rate, e.g. --lr 0.5 (the default for sgd)" in err and not path.exists()
    assert "Traceback" not in err


def test_default_learning_rate_comes_from_the_optimizer_table(capsys):
    code, out, _ = run(capsys, "--dataset", "xor", "--m", "8", "--epochs", "1", "--quiet")
    assert code == 0 and f"α = {DEFAULT_LR['sgd']:g}," in out
    assert "0.5 for sgd" in build_parser()._subparsers._group_actions[0].choices["train"].format_help()


@pytest.mark.parametrize("argv, message", [
    (["--patience", "5"], "--patience: early stopping watches the validation cost; add --val-split"),
    (["--val-split", "1"], "--val-split: expected a share of the rows from 0 up to (not including) 1"),
    (["--test-split", "-0.1"], "--test-split: expected a share of the rows"),
    (["--test-split", "abc"], "up to (not including) 1, such as 0.2; got 'abc'"),
    (["--val-split", "0.5", "--test-split", "0.5"], "together they hold out 100% of the rows"),
    (["--dataset", "xor", "--m", "4", "--val-split", "0.1", "--test-split", "0.1", "--classes", "2"],
     "--classes"),
    (["--patience", "0", "--val-split", "0.2"], "--patience: expected a whole number from 1 to 10,000,000"),
    (["--init", "glorot"], "--init: init: expected one of auto"),
])
def test_bad_values_exit_2_naming_the_flag(capsys, argv, message):
    code, _, err = run(capsys, "--epochs", "1", *argv)
    assert code == 2 and message in err.replace("argument --", "--"), err


def test_too_few_rows_for_three_parts(capsys, tmp_path):
    csv = tmp_path / "tiny.csv"
    csv.write_text("x,y\n0,0\n1,1\n")
    code, _, err = run(capsys, "--csv", str(csv), "--target", "y", "--val-split", "0.3", "--test-split", "0.3")
    assert code == 2 and "too few for 3 parts" in err


def test_init_zeros_keeps_hidden_neurons_identical_and_is_refused_with_load(capsys, tmp_path):
    path = tmp_path / "z.json"
    code, _, err = run(capsys, "--dataset", "xor", "--m", "20", "--epochs", "5", "--init", "zeros", "--quiet",
                       "--save", str(path))
    assert code == 0, err
    W = ns.Network.load(path).weights(1)
    np.testing.assert_allclose(W, np.tile(W[0], (W.shape[0], 1)), rtol=1e-12)
    code, _, err = run(capsys, "--dataset", "xor", "--load", str(path), "--init", "he")
    assert code == 2 and "--init: not with --load" in err


def test_standardize_uses_training_rows_only_saves_and_reapplies(capsys, tmp_path):
    csv = tmp_path / "wide.csv"
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(50, 10, 40), rng.normal(0.01, 0.002, 40)])
    y = (X[:, 0] - 50 > 1000 * (X[:, 1] - 0.01)).astype(int)
    csv.write_text("a,b,y\n" + "\n".join(f"{p:.17g},{q:.17g},{t}" for (p, q), t in zip(X, y)) + "\n")
    path = tmp_path / "s.json"
    code, out, err = run(capsys, "--csv", str(csv), "--target", "y", "--standardize", "--test-split", "0.25",
                         "--epochs", "30", "--quiet", "--save", str(path))
    assert code == 0, err
    assert "network written to" in out and "with its input standardization" in out
    saved = json.loads(path.read_text())["standardizer"]
    X_train = ns.datasets.split(X, y, test=10, seed=0)[0]          # the 30 training rows
    np.testing.assert_allclose(saved["mean"], X_train.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(saved["std"], X_train.std(axis=0), rtol=1e-12)
    assert not np.allclose(saved["mean"], X.mean(axis=0), rtol=1e-9)   # not all 40 rows
    # loaded, the network standardizes new data with the saved statistics, not with new ones
    net = ns.Network.load(path)
    code, out, err = run(capsys, "--csv", str(csv), "--target", "y", "--load", str(path), "--epochs", "1",
                         "--quiet", "--save", str(tmp_path / "again.json"))
    assert code == 0, err
    assert f"inputs standardized with the statistics saved in {path}" in out
    assert ns.Network.load(tmp_path / "again.json").standardizer == net.standardizer


def test_plot_draws_the_validation_curve(capsys, tmp_path):
    code, _, err = run(capsys, "--dataset", "xor", "--m", "20", "--epochs", "5", "--quiet", "--val-split", "0.2",
                       "--plot", str(tmp_path / "f.png"))
    assert code == 0, err
    assert (tmp_path / "f.png").read_bytes().startswith(b"\x89PNG")
    X, Y = ns.datasets.xor(40, seed=0)
    net = ns.Network([2, 3, 1], activation="tanh", loss="binary_cross_entropy", seed=0)
    h = net.fit(X[:30], Y[:30], epochs=8, lr=0.5, validation=(X[30:], Y[30:]), progress=False)
    ax = ns.plot.loss_curve(h).axes[0]
    train, val = ax.get_lines()[:2]
    assert list(train.get_xdata()) == list(range(9)) and list(val.get_xdata()) == list(range(1, 9))
    np.testing.assert_array_equal(val.get_ydata(), h.validation)
    assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == ["training", "validation"]


def _readme_csv_command() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line.split("#")[0].strip() for block in re.findall(r"```bash\n(.*?)```", readme, re.S)
             for line in block.splitlines() if "--csv" in line]
    assert len(lines) == 1, lines
    return shlex.split(lines[0])


def test_the_readme_csv_example_runs_as_written_on_the_shipped_sample(capsys, tmp_path, monkeypatch):
    argv = _readme_csv_command()
    assert argv[0] == "neurosim"
    csv = argv[argv.index("--csv") + 1]
    assert (ROOT / csv).is_file(), f"README trains on {csv}, which the repository does not ship"
    # run it from a copy of the layout, so that --save writes into the temporary folder
    (tmp_path / csv).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / csv, tmp_path / csv)
    monkeypatch.chdir(tmp_path)
    code = main(argv[1:])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert reported(out, "test")[1] >= 0.9
    save = argv[argv.index("--save") + 1]
    assert ns.Network.load(tmp_path / save).sizes[0] == 2


def test_the_sample_is_what_its_header_says():
    data = read_csv(SAMPLE, "label")
    X, Y = ns.datasets.moons(120, noise=0.15, seed=7)
    np.testing.assert_allclose(data.X, X, atol=5e-4)
    assert data.target.tolist() == [["inner", "outer"][k] for k in Y]
