"""The hostile-input suite, property-based: hypothesis draws shapes, dtypes, huge and non-finite values,
layer widths, broken saved files, CSV texts and command lines. Whatever comes in, the answer is a result or a
ValueError / TypeError (ns.LimitError is a ValueError) whose message names the parameter and stays short; the
command line answers with exit 0, 1 or 2 and never a traceback. Nothing is allowed to allocate much: a low
NEUROSIM_MAX_MEMORY turns any large request into a quick refusal.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import neurosim as ns
from neurosim.cli import main
from neurosim.data.csvdata import read_csv

FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
MAX_MESSAGE = 600


@contextmanager
def low_memory_limit(value: str = "8M"):
    """A memory limit that refuses anything larger than a toy: hypothesis may draw 10**9 neurons."""
    before = os.environ.get("NEUROSIM_MAX_MEMORY")
    os.environ["NEUROSIM_MAX_MEMORY"] = value
    try:
        yield
    finally:
        if before is None:
            del os.environ["NEUROSIM_MAX_MEMORY"]
        else:
            os.environ["NEUROSIM_MAX_MEMORY"] = before


def clean_refusal(exc: BaseException, *names: str) -> None:
    assert isinstance(exc, (ValueError, TypeError)), f"raw {type(exc).__name__}: {exc}"
    message = str(exc)
    assert any(name in message for name in names), f"none of {names} in: {message}"
    assert len(message) <= MAX_MESSAGE, f"{len(message)} characters"


# --- values: every dtype, shape, huge and non-finite entry ---------------------------------------------------

hostile_floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, 0.0, -0.0]),
)
python_numbers = st.one_of(
    hostile_floats,
    st.integers(min_value=-(10 ** 400), max_value=10 ** 400),
    st.complex_numbers(allow_nan=False, allow_infinity=False, max_magnitude=1e3),
    st.booleans(),
)
dtypes = st.one_of(hnp.integer_dtypes(), hnp.unsigned_integer_dtypes(), hnp.floating_dtypes(),
                   hnp.complex_number_dtypes(), hnp.boolean_dtypes())


def arrays(shape):
    return dtypes.flatmap(lambda dt: hnp.arrays(dt, shape, elements=None))


@FEW
@given(st.lists(python_numbers, min_size=0, max_size=4))
def test_forward_takes_real_finite_numbers_or_names_x(values):
    net = ns.Network([2, 2, 1], seed=0)
    try:
        out = net.forward(values)
    except Exception as exc:   # noqa: BLE001 — the property is about which exceptions come
        clean_refusal(exc, "x:")
        return
    assert len(values) == 2 and out.shape == (1,)
    assert not any(isinstance(v, complex) for v in values)
    assert all(np.isfinite(float(v)) for v in values)


@FEW
@given(hnp.array_shapes(min_dims=0, max_dims=3, max_side=4).flatmap(arrays))
def test_every_dtype_and_shape_of_a_batch(X):
    net = ns.Network([2, 1], seed=0)
    Y = np.zeros((X.shape[0] if X.ndim else 1, 1))
    try:
        cost = net.cost(X, Y)
    except Exception as exc:   # noqa: BLE001
        clean_refusal(exc, "X:", "Y:")
        if X.dtype.kind == "c":
            assert isinstance(exc, TypeError) and "complex" in str(exc)
        return
    assert X.dtype.kind != "c" and X.shape[1:] == (2,) and X.shape[0] >= 1
    assert np.all(np.isfinite(X.astype(float))) and np.isfinite(cost) or cost == float("inf")


@FEW
@given(st.integers(1, 3), st.integers(1, 3), st.data())
def test_set_weights_with_any_matrix(rows, cols, data):
    net = ns.Network([2, 3], seed=0)
    before = net.weights(1)
    W = data.draw(arrays((rows, cols)))
    try:
        net.set_weights(1, W)
    except Exception as exc:   # noqa: BLE001
        clean_refusal(exc, "W (weights of layer 1)")
        assert np.array_equal(net.weights(1), before)   # nothing half-written
        return
    assert W.shape == (3, 2) and W.dtype.kind != "c"
    np.testing.assert_array_equal(net.weights(1), W.astype(float))


@FEW
@given(python_numbers | st.text(max_size=5) | st.none())
def test_scalar_parameters(value):
    for call, name in ((lambda: ns.Network([2, 1], weight_decay=value), "weight_decay"),
                       (lambda: ns.Network([2, 1], seed=0).step(np.zeros((1, 2)), [[0.0]], value), "lr"),
                       (lambda: ns.Quiz(seed=1).check(value), "answer")):
        try:
            call()
        except Exception as exc:   # noqa: BLE001
            clean_refusal(exc, name)


# --- sizes: huge, negative, odd types; refused up front under a small memory limit ----------------------

layer_width = st.one_of(st.integers(-3, 6), st.integers(10 ** 3, 10 ** 12), st.integers(10 ** 300, 10 ** 400),
                        st.floats(0, 5), st.text(max_size=3), st.none(), st.booleans())


@FEW
@given(st.lists(layer_width, max_size=5))
def test_sizes(sizes):
    with low_memory_limit():
        try:
            net = ns.Network(sizes)
        except Exception as exc:   # noqa: BLE001
            clean_refusal(exc, "sizes")
            return
    # accepted: whole widths ≥ 1 whose network fits in the 8M limit (at least 450 bytes per connection)
    assert net.sizes == sizes and len(sizes) >= 2 and all(isinstance(s, int) and s >= 1 for s in sizes)
    assert sum(a * b for a, b in zip(sizes, sizes[1:])) * 450 < 8 * 2 ** 20


@FEW
@pytest.mark.filterwarnings("error::RuntimeWarning")
@given(st.sampled_from(["xor", "moons", "circles", "spiral", "blobs", "sine"]),
       st.integers(-1, 10 ** 15), st.floats(0, 1e308) | st.sampled_from([float("nan"), float("inf"), -1.0]))
def test_datasets_m_and_noise(name, m, noise):
    with low_memory_limit():
        try:
            X, Y = ns.datasets.load(name, m=m, noise=noise)
        except Exception as exc:   # noqa: BLE001
            clean_refusal(exc, "m:", "noise:")
            return
    assert len(X) == m and np.all(np.isfinite(X)) and np.all(np.isfinite(Y))


# --- broken files -------------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10 ** 400), 10 ** 400) | st.floats(allow_nan=False) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=12,
)
FIELDS = ["format", "version", "sizes", "activations", "loss", "weight_decay", "weights", "biases", "pruned"]


@FEW
@given(st.sampled_from(FIELDS), json_values)
def test_saved_file_with_any_field_replaced(tmp_path, field, value):
    data = ns.Network([2, 2, 1], seed=0).to_dict()
    data[field] = value
    path = tmp_path / "net.json"
    path.write_text(json.dumps(data))
    with low_memory_limit():
        try:
            net = ns.Network.load(path)
        except Exception as exc:   # noqa: BLE001
            clean_refusal(exc, "malformed neurosim file")
            return
    assert isinstance(net, ns.Network)


@FEW
@given(st.binary(max_size=200) | st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n))
def test_saved_file_of_any_bytes(tmp_path, content):
    path = tmp_path / "net.json"
    path.write_bytes(content)
    try:
        ns.Network.load(path)
    except Exception as exc:   # noqa: BLE001
        clean_refusal(exc, "malformed neurosim file")
        return
    pytest.fail("random bytes loaded as a network")


@FEW
@given(st.lists(st.text(alphabet='ab,;"#\t 1.e-\n', max_size=12), min_size=1, max_size=6))
def test_csv_of_any_text(tmp_path, lines):
    path = tmp_path / "data.csv"
    path.write_text("a,b\n" + "\n".join(lines), encoding="utf-8")
    try:
        data = read_csv(path, "b")
    except Exception as exc:   # noqa: BLE001
        clean_refusal(exc, "csv:")
        return
    assert data.X.shape[1] == 1 and np.all(np.isfinite(data.X))


# --- the command line ---------------------------------------------------------------------------------------

option_values = st.one_of(st.just(""), st.just(","), st.text(alphabet="0123456789,.-e x", max_size=8),
                          st.sampled_from(["1000000000,1", "2,1e9", "3,10000000000000000000000,2", "nan", "2,2"]))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["check", "step", "bridge"]),
       st.sampled_from(["--sizes", "--input", "--target", "--batch", "--seed", "--weight-decay"]),
       option_values)
def test_cli_never_tracebacks(capsys, command, option, value):
    argv = [command, option, value]
    if command == "step":
        argv.append("--all")
    if option in ("--batch", "--weight-decay") or (option == "--seed" and command != "step"):
        argv += ["--sizes", "2,2"]
    with low_memory_limit():
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    out, err = capsys.readouterr()
    assert code in (0, 1, 2) and "Traceback" not in err and "Warning" not in err
    if code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert 1 <= len(lines) <= 2 and "error" in lines[0] and len(err) < 800
