"""``neurosim train`` and the CSV reader: training works, results are checked independently, bad input exits 2."""

import re

import numpy as np
import pytest

import neurosim as ns
from neurosim.cli import main
from neurosim.data.csvdata import read_csv

from .cli_run import run_cli


def run(capsys, *argv):
    return run_cli(capsys, "train", *argv)


def final_accuracy(out: str) -> float:
    return float(re.search(r"trained: J = \S+, accuracy\s+([\d.]+)%", out).group(1)) / 100


def test_moons_trains_and_saved_network_reproduces_the_printed_accuracy(capsys, tmp_path):
    path = tmp_path / "net.json"
    code, out, err = run(capsys, "--dataset", "moons", "--m", "80", "--activation", "tanh", "--epochs", "60",
                         "--lr", "1", "--save", str(path))
    assert code == 0, err
    printed = final_accuracy(out)
    net = ns.Network.load(path)
    assert net.sizes == [2, 8, 1]
    X, Y = ns.datasets.moons(80, seed=0)
    accuracy = np.mean((net.predict(X)[:, 0] > 0.5) == Y)
    assert printed == pytest.approx(accuracy, abs=6e-4)  # printed to 0.1%
    assert accuracy > 0.85
    J = float(re.search(r"trained: J = (\S+),", out).group(1))
    assert J == pytest.approx(net.cost(X, Y), rel=1e-5)


def test_progress_lines_and_quiet(capsys):
    code, out, _ = run(capsys, "--dataset", "xor", "--epochs", "20", "--report", "4", "--m", "8")
    assert code == 0
    epochs = [int(k) for k in re.findall(r"^epoch\s+(\d+)/20", out, flags=re.M)]
    assert epochs == [0, 5, 10, 15, 20]
    code, out, _ = run(capsys, "--dataset", "xor", "--epochs", "20", "--quiet", "--m", "8")
    assert code == 0 and "epoch" not in out.replace("epochs", "") and "trained:" in out


def test_hidden_infers_widths_for_three_classes(capsys, tmp_path):
    path = tmp_path / "spiral.json"
    code, out, err = run(capsys, "--dataset", "spiral", "--m", "30", "--loss", "cross_entropy", "--hidden", "5,4",
                         "--epochs", "2", "--save", str(path))
    assert code == 0, err
    assert ns.Network.load(path).sizes == [2, 5, 4, 3]
    code, _, err = run(capsys, "--dataset", "blobs", "--classes", "4", "--m", "20", "--epochs", "1",
                       "--save", str(path))
    assert code == 0, err
    net = ns.Network.load(path)
    # the default for 4 classes: one softmax output per class with cross-entropy, tanh hidden layer
    assert net.sizes == [2, 8, 4] and net.activations[-1].name == "softmax" and net.loss.name == "cross_entropy"
    assert net.activations[0].name == "tanh"
    code, _, err = run(capsys, "--dataset", "blobs", "--classes", "4", "--m", "20", "--epochs", "1",
                       "--loss", "half_sse", "--save", str(path))
    assert code == 0, err
    net = ns.Network.load(path)
    # half_sse with 4 classes: one sigmoid output per class, one-hot targets
    assert net.sizes == [2, 8, 4] and net.activations[-1].name == "sigmoid"


def test_defaults_solve_the_built_in_classification_sets(capsys):
    """Two classes: one sigmoid output with binary cross-entropy; the defaults reach a good accuracy."""
    code, out, err = run(capsys, "--dataset", "moons", "--quiet", "--epochs", "300", "--m", "100")
    assert code == 0, err
    assert "binary_cross_entropy" in out
    accuracy = float(re.search(r"accuracy ([\d.]+)%", out).group(1))
    assert accuracy >= 95


def test_build_options_are_refused_with_load(capsys, tmp_path):
    path = tmp_path / "net.json"
    ns.Network([2, 3, 1], seed=0).save(path)
    code, _, err = run(capsys, "--dataset", "xor", "--load", str(path), "--activation", "relu")
    assert code == 2 and "--activation: not with --load" in err


def test_regression_uses_identity_output_and_reports_rmse(capsys, tmp_path):
    path = tmp_path / "sine.json"
    code, out, err = run(capsys, "--dataset", "sine", "--m", "40", "--activation", "tanh", "--epochs", "100",
                         "--lr", "0.1", "--save", str(path))
    assert code == 0, err
    net = ns.Network.load(path)
    assert net.sizes == [1, 8, 1] and net.activations[-1].name == "identity"
    X, Y = ns.datasets.sine(40, seed=0)
    rmse = float(re.search(r"RMSE (\S+) on the", out).group(1))
    assert rmse == pytest.approx(np.sqrt(np.mean((net.predict(X) - Y) ** 2)), rel=1e-3)
    assert rmse < 0.4  # sin has standard deviation 0.71: the net has learned something


def test_matrix_engine_gives_the_scalar_engines_weights(capsys, tmp_path):
    args = ["--dataset", "circles", "--m", "24", "--epochs", "15", "--batch-size", "8", "--seed", "3"]
    assert run(capsys, *args, "--save", str(tmp_path / "s.json"))[0] == 0
    code, _, err = run(capsys, *args, "--engine", "matrix", "--save", str(tmp_path / "m.json"))
    assert code == 0, err
    scalar, matrix = ns.Network.load(tmp_path / "s.json"), ns.Network.load(tmp_path / "m.json")
    for (W1, b1), (W2, b2) in zip(scalar.parameters(), matrix.parameters()):
        np.testing.assert_allclose(W1, W2, atol=1e-10)
        np.testing.assert_allclose(b1, b2, atol=1e-10)
    # a loaded network goes on training in the twin as in the scalar engine
    more = ["--load", str(tmp_path / "s.json"), "--dataset", "circles", "--m", "24", "--epochs", "5",
            "--batch-size", "8", "--seed", "3"]
    assert run(capsys, *more, "--save", str(tmp_path / "s2.json"))[0] == 0
    code, out, err = run(capsys, *more, "--engine", "matrix", "--save", str(tmp_path / "m2.json"))
    assert code == 0 and "matrix engine" in out, err
    scalar, matrix = ns.Network.load(tmp_path / "s2.json"), ns.Network.load(tmp_path / "m2.json")
    for (W1, b1), (W2, b2) in zip(scalar.parameters(), matrix.parameters()):
        np.testing.assert_allclose(W1, W2, atol=1e-10)
        np.testing.assert_allclose(b1, b2, atol=1e-10)


def test_plot_writes_png_for_2d_and_1d_inputs(capsys, tmp_path):
    for name in ("xor", "sine"):
        path = tmp_path / f"{name}.png"
        code, _, err = run(capsys, "--dataset", name, "--m", "8", "--epochs", "3", "--plot", str(path))
        assert code == 0, err
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000


def test_divergence_exits_1_names_the_epoch_and_saves_nothing(capsys, tmp_path):
    path = tmp_path / "never.json"
    # lr 100 takes J through 1e300 before inf: the plot of that curve must still be drawn
    code, out, err = run(capsys, "--dataset", "sine", "--lr", "100", "--epochs", "50",
                         "--save", str(path), "--plot", str(tmp_path / "d.png"))
    assert code == 1
    assert re.search(r"training diverged in epoch \d+ of 50", err) and "Try a smaller learning rate" in err
    assert not path.exists() and (tmp_path / "d.png").exists()


def test_load_continues_training_and_checks_sizes(capsys, tmp_path):
    path = tmp_path / "n.json"
    ns.Network([2, 3, 1], seed=0).save(path)
    code, _, err = run(capsys, "--dataset", "xor", "--m", "8", "--epochs", "2", "--load", str(path))
    assert code == 0, err
    ns.Network([3, 3, 1], seed=0).save(path)
    code, _, err = run(capsys, "--dataset", "xor", "--load", str(path))
    assert code == 2 and "sizes [3, 3, 1]" in err and "2 inputs" in err


@pytest.mark.parametrize("argv, message", [
    (["--sizes", "3,4,1"], "--sizes 3,4,1: the data (moons) have 2 inputs and need 1 output neuron"),
    (["--sizes", "2,4,2"], "give --sizes 2,...,1 or only the hidden widths with --hidden"),
    (["--dataset", "spiral", "--loss", "cross_entropy", "--sizes", "2,4,1"], "need 3 output neurons"),
    (["--sizes", "2,4,1", "--hidden", "4"], "give one of them"),
    (["--classes", "3"], "--classes: only spiral and blobs"),
    (["--target", "y"], "--target: only with --csv"),
    (["--dataset", "xor", "--task", "regress"], "--task: only with --csv"),   # not ignored in silence
    (["--dataset", "sine", "--loss", "cross_entropy"], "needs class labels"),
    (["--output", "softmax"], "softmax"),
])
def test_bad_arguments_exit_2_with_a_message(capsys, argv, message):
    code, _, err = run(capsys, *argv, "--epochs", "1")
    assert code == 2
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("option, name, message", [
    ("--save", "no/such/folder/n.json", "--save: the folder"),
    ("--plot", "no/such/folder/p.png", "--plot: the folder"),
    ("--plot", "p.txt", "--plot: expected a file name ending in one of"),
    ("--plot", "p", "--plot: expected a file name ending in one of"),
    ("--save", ".", "--save: expected a file name, got the folder"),
])
def test_bad_output_file_is_refused_before_training(capsys, tmp_path, monkeypatch, option, name, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "--dataset", "xor", "--epochs", "1", option, name)
    assert code == 2 and message in err and "Traceback" not in err
    assert "epoch" not in out and "trained" not in out   # nothing was trained
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv, message", [
    (["--weight-decay", "-1"], "argument --weight-decay: expected a finite number >= 0, got '-1'"),
    (["--lr", "0"], "argument --lr: expected a positive finite number, got '0'"),
    (["--epochs", "0"], "argument --epochs: expected a whole number from 1 to 10,000,000, got '0'"),
])
def test_bad_numbers_name_the_option(capsys, argv, message):
    with pytest.raises(SystemExit) as exc:
        main(["train", *argv])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and message in err


def test_network_errors_name_the_option(capsys):
    code, _, err = run(capsys, "--dataset", "xor", "--epochs", "1", "--activation", "nope")
    assert code == 2 and "neurosim train: error: --activation: activation: unknown activation 'nope'" in err


def test_argparse_rejects_bad_numbers(capsys):
    for argv in (["--epochs", "0"], ["--lr", "-1"], ["--lr", "nan"], ["--batch-size", "x"], ["--noise", "-1"]):
        with pytest.raises(SystemExit) as exc:
            main(["train", *argv])
        assert exc.value.code == 2
    assert "expected" in capsys.readouterr().err


# --- CSV files -------------------------------------------------------------------------------

def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_csv_numbers_text_classes_comments_and_blank_lines(tmp_path):
    path = write(tmp_path, "# measured by hand\nx1, x2 ,kind\n1,2,cat\n\n3.5,-4e-1,dog\n5,6,cat\n")
    data = read_csv(path, "kind")
    np.testing.assert_array_equal(data.X, [[1, 2], [3.5, -0.4], [5, 6]])
    assert data.features == ["x1", "x2"] and data.lines == [3, 5, 6]
    assert not data.numeric_target and data.target.tolist() == ["cat", "dog", "cat"]
    data = read_csv(write(tmp_path, "a;y\n1;0.5\n2;1.5\n", "semi.csv"), "y")
    np.testing.assert_array_equal(data.target, [0.5, 1.5])


@pytest.mark.parametrize("text, message", [
    ("a,b,y\n1,2,0\n3,x,1\n", "line 3, column 'b': expected a finite number, got 'x'"),
    ("a,b,y\n1,2,0\n3,,1\n", "line 3, column 'b': expected a finite number, got an empty field"),
    ("a,b,y\n1,nan,0\n", "line 2, column 'b': expected a finite number, got 'nan'"),
    ("a,b,y\n1,2,0\n3,1\n", "line 3: expected 3 fields (a, b, y), got 2"),
    ("a,b,y\n1,2,0\n3,1,1,9\n", "line 3: expected 3 fields (a, b, y), got 4"),
    ("a,b,c\n1,2,0\n", "line 1: no column 'y' for --target; the header names 'a', 'b', 'c'"),
    ("a,b,y\n1,2,0\n2,3,1\n4,5,one\n", "line 4, column 'y': expected a number (the other targets are numbers)"),
    ("a,y\n1,cat\n2,dog\n3,7\n", "line 4, column 'y': expected a class name"),
    ("a,y\n1,0\n2,\n", "line 3, column 'y': the target is empty"),
    ("a,a,y\n1,2,3\n", "line 1: column name 'a' appears twice"),
    ("y\n1\n", "line 1: only the target column 'y'"),
    ("\n\n", "is empty"),
    ("a,b,y\n", "has a header (line 1) but no data lines"),
])
def test_bad_csv_names_the_line(tmp_path, capsys, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ValueError) as exc:
        read_csv(path, "y")
    assert message in str(exc.value) and "data.csv" in str(exc.value)
    code, _, err = run(capsys, "--csv", str(path), "--target", "y", "--epochs", "1")
    assert code == 2 and message in err and "Traceback" not in err


def test_csv_classification_with_text_labels_trains(capsys, tmp_path):
    X, Y = ns.datasets.blobs(30, classes=3, seed=1)
    names = np.array(["setosa", "versicolor", "virginica"])[Y]
    rows = "\n".join(f"{a:.6f},{b:.6f},{n}" for (a, b), n in zip(X, names))
    path = write(tmp_path, "length,width,species\n" + rows + "\n")
    code, out, err = run(capsys, "--csv", str(path), "--target", "species", "--loss", "cross_entropy",
                         "--epochs", "40", "--save", str(tmp_path / "n.json"))
    assert code == 0, err
    assert "3 classes" in out and final_accuracy(out) > 0.9
    assert "class labels: setosa → 0, versicolor → 1, virginica → 2" in out
    assert ns.Network.load(tmp_path / "n.json").sizes == [2, 8, 3]


def test_csv_task_auto_and_override(capsys, tmp_path):
    path = write(tmp_path, "x,y\n" + "\n".join(f"{k / 10},{k % 2}" for k in range(10)) + "\n")
    code, out, _ = run(capsys, "--csv", str(path), "--target", "y", "--epochs", "1")
    assert code == 0 and "read as class labels" in out and "2 classes" in out
    code, out, _ = run(capsys, "--csv", str(path), "--target", "y", "--epochs", "1", "--task", "regress")
    assert code == 0 and "regression" in out and "RMSE" in out
    path = write(tmp_path, "x,y\n" + "\n".join(f"{k},{k * 1.5}" for k in range(12)) + "\n", "reg.csv")
    code, out, _ = run(capsys, "--csv", str(path), "--target", "y", "--epochs", "1", "--standardize")
    assert code == 0 and "numbers to regress" in out and "statistics of the 12 training rows: mean 5.5" in out


def test_csv_without_target_or_with_dataset_options(capsys, tmp_path):
    path = write(tmp_path, "x,y\n1,0\n2,1\n")
    code, _, err = run(capsys, "--csv", str(path))
    assert code == 2 and "--target" in err
    code, _, err = run(capsys, "--csv", str(path), "--target", "y", "--noise", "0.1")
    assert code == 2 and "--noise: only with --dataset" in err
    code, _, err = run(capsys, "--csv", str(tmp_path / "missing.csv"), "--target", "y")
    assert code == 2 and "error: --csv: no such file" in err
    code, _, err = run(capsys, "--csv", str(tmp_path), "--target", "y")
    assert code == 2 and "error: --csv: " in err and "is a directory" in err
    single = write(tmp_path, "x,y\n1,0\n2,0\n", "one.csv")
    code, _, err = run(capsys, "--csv", str(single), "--target", "y", "--task", "classify")
    assert code == 2 and "at least 2 classes" in err


def test_train_scores_classes_by_the_rule_of_the_plots_and_history():
    """An output of exactly ½ is class 1 everywhere: in train's accuracy line, in History, in the plot."""
    from neurosim.cli.train_data import Part, Task
    from neurosim.cli.train_report import score
    from neurosim.core.history import predicted_classes

    class Fixed:
        def predict(self, X):
            return np.array([[0.5], [0.49], [0.51]])

    X = np.zeros((3, 2))
    part = Part("training", X, np.array([1, 0, 1]))
    kind, value = score(Fixed(), Task("toy", X, part.Y, ["0", "1"]), part)
    assert (kind, value) == ("accuracy", 1.0)
    assert predicted_classes(Fixed().predict(X)).tolist() == [1, 0, 1]
