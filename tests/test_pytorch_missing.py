"""Without torch: neurosim imports and works, and the bridge says how to install torch (no torch needed here)."""

import subprocess
import sys

import numpy as np
import pytest

import neurosim as ns

INSTALL = 'pip install "neurosim[torch]"'


@pytest.fixture
def no_torch(monkeypatch):
    # None in sys.modules makes `import torch` raise ImportError, as when torch is not installed.
    monkeypatch.setitem(sys.modules, "torch", None)


def test_every_bridge_function_says_how_to_install_torch(no_torch):
    net = ns.Network([2, 2, 1], seed=0)
    X, Y = np.ones((1, 2)), np.ones((1, 1))
    calls = {"to_torch": lambda: ns.to_torch(net), "torch_loss": lambda: ns.torch_loss(net),
             "from_torch": lambda: ns.from_torch(object()), "compare_torch": lambda: ns.compare_torch(net, X, Y)}
    for name, call in calls.items():
        with pytest.raises(ImportError) as exc:
            call()
        assert INSTALL in str(exc.value), name
        assert "download.pytorch.org/whl/cpu" in str(exc.value), name


def test_check_torch_without_torch_is_a_usage_error(no_torch, capsys):
    from neurosim.cli import main

    assert main(["check", "--torch"]) == 2
    err = capsys.readouterr().err
    assert "neurosim check: error: --torch:" in err and INSTALL in err


def test_neurosim_never_imports_torch_by_itself():
    code = ("import sys, numpy as np, neurosim as ns\n"
            "net = ns.Network([2, 3, 1], seed=0)\n"
            "X = np.ones((2, 2)); Y = np.zeros((2, 1))\n"
            "assert ns.compare(net, X, Y).ok and ns.gradient_check(net, X, Y).ok\n"
            "from neurosim.cli import build_parser; build_parser()\n"
            "assert 'torch' not in sys.modules, 'neurosim imported torch'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_a_missing_optional_package_fails_under_ci_and_skips_locally(no_torch, monkeypatch):
    from .optional import require

    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require("torch", INSTALL)
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match=r'pip install "neurosim\[torch\]"'):
        require("torch", INSTALL)
