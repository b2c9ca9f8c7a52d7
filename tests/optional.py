"""Optional dependencies in tests: under CI=true a missing one FAILS (CI installs everything); locally the
tests that need it skip with a message saying how to install it."""

from __future__ import annotations

import importlib
import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require(module: str, install: str):
    """Import ``module`` for a test module; fail under CI, else skip the whole test module, naming ``install``."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if in_ci():
            pytest.fail(f"{module} is not installed, and CI=true: .ci/run must install it ({install})",
                        pytrace=False)
        pytest.skip(f"{module} is not installed: {install} to run these tests ({exc})", allow_module_level=True)
