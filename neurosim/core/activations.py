"""Activation functions f and their derivatives f′, for one neuron (a float) and for arrays.

Every activation is an :class:`Activation`: ``f(z)`` and ``df(z)`` = f′(z) accept a float or a numpy
array. The built-in ones also carry ``math``-based float versions, because the scalar engine calls
them once per neuron per pass and numpy's per-call overhead would dominate there; both versions are
written so that no overflow warning appears for |z| up to 1e4.

Softmax is not elementwise: a_i = exp(z_i) / Σ_k exp(z_k) depends on the whole layer. It is allowed
only as the output activation with the ``"cross_entropy"`` loss, where δ = p − onehot(y) needs no f′.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..base.limits import excerpt
from ..base.names import did_you_mean

Number = float | np.ndarray


@dataclass(frozen=True, eq=False)
class Activation:
    """An activation function: ``f(z)`` and its derivative ``df(z)`` = f′(z) with respect to z.

    ``f`` and ``df`` must accept a float and a numpy array (elementwise). ``f_scalar``/``df_scalar``
    are optional faster float-only versions; when omitted, ``f``/``df`` are used and cast to float.
    A user's own activation is ``Activation("swish", f, df)``; it works everywhere a name does,
    except that :meth:`Network.save` can store only the built-in names.
    """

    name: str
    f: Callable[[Number], Number]
    df: Callable[[Number], Number]
    f_scalar: Callable[[float], float] | None = field(default=None, repr=False)
    df_scalar: Callable[[float], float] | None = field(default=None, repr=False)
    elementwise: bool = True
    symbol: str = "f"
    # f′ from a = f(z) and z together: sigmoid's a(1 − a) and tanh's 1 − a² need no second exponential.
    df_az: Callable[[float, float], float] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise TypeError(f"Activation name: expected a non-empty string, got {excerpt(self.name)}")
        for label in ("f", "df"):
            if not callable(getattr(self, label)):
                raise TypeError(f"Activation {label}: expected a callable, got {excerpt(getattr(self, label))}")
        if self.elementwise:
            for label in ("f", "df"):
                _probe(self.name, label, getattr(self, label))
        if self.f_scalar is None:
            object.__setattr__(self, "f_scalar", lambda z, f=self.f: float(f(z)))
        if self.df_scalar is None:
            object.__setattr__(self, "df_scalar", lambda z, df=self.df: float(df(z)))
        if self.df_az is None:
            object.__setattr__(self, "df_az", lambda a, z, df=self.df_scalar: df(z))


_PROBE = np.array([-1.5, 0.0, 0.5, 2.0])


def _probe(name: str, label: str, fn: Callable) -> None:
    """Call ``fn`` once on a float and once on a small array, so that a wrong signature, a non-number or a
    wrong shape is reported now, naming the activation, instead of deep inside a pass."""
    who = f"Activation {excerpt(name)}: {label}"
    for z in (0.5, _PROBE.copy()):
        what = "the float 0.5" if isinstance(z, float) else f"an array of shape {z.shape}"
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = fn(z)
        except Exception as exc:   # any failure of user code: say where it happened
            raise TypeError(f"{who}(z) must accept a float and a numpy array (elementwise); called with {what} "
                            f"it raised {type(exc).__name__}: {str(exc)[:160]}") from exc
        arr = np.asarray(out) if isinstance(out, numbers.Real | np.ndarray | np.generic) else None
        if arr is None or arr.dtype.kind not in "fiub":
            raise TypeError(f"{who}(z) must return real numbers; called with {what} it returned "
                            f"{type(out).__name__} {excerpt(out)}")
        expected = () if isinstance(z, float) else z.shape
        if arr.shape != expected and not (isinstance(z, float) and arr.size == 1):
            raise ValueError(f"{who}(z) must work elementwise: called with {what} it returned shape {arr.shape}, "
                             f"expected {expected}")


# --- sigmoid: σ(z) = 1 / (1 + e^(−z)),  σ′(z) = σ(z)(1 − σ(z)) ---------------------------------

def _sigmoid_scalar(z: float) -> float:
    # exp of a non-positive number never overflows, so branch on the sign.
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _sigmoid(z: Number) -> Number:
    # For arrays one pass is half the cost of branching on the sign (the matrix twin's hot path): e^(−z)
    # may overflow to inf for z < −709, and 1 / (1 + inf) = 0 is then the right answer, so the warning is
    # silenced. Elsewhere it agrees with the scalar version to a few ulps.
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def _dsigmoid_scalar(z: float) -> float:
    s = _sigmoid_scalar(z)
    return s * (1.0 - s)


def _dsigmoid(z: Number) -> Number:
    s = _sigmoid(z)
    return s * (1.0 - s)


# --- tanh: f′(z) = 1 − tanh²(z) ----------------------------------------------------------------

def _dtanh_scalar(z: float) -> float:
    t = math.tanh(z)
    return 1.0 - t * t


def _dtanh(z: Number) -> Number:
    t = np.tanh(z)
    return 1.0 - t * t


# --- relu: max(z, 0), f′(z) = 1 for z > 0 and 0 otherwise (f′(0) = 0 by convention) ----------------

def _relu_scalar(z: float) -> float:
    return z if z > 0.0 else 0.0


def _drelu_scalar(z: float) -> float:
    return 1.0 if z > 0.0 else 0.0


def _relu(z: Number) -> Number:
    return np.maximum(np.asarray(z, dtype=float), 0.0)


def _drelu(z: Number) -> Number:
    return (np.asarray(z) > 0.0).astype(float)


# --- leaky relu: z for z > 0, 0.01 z otherwise -------------------------------------------------

LEAKY_SLOPE = 0.01


def _leaky_scalar(z: float) -> float:
    return z if z > 0.0 else LEAKY_SLOPE * z


def _dleaky_scalar(z: float) -> float:
    return 1.0 if z > 0.0 else LEAKY_SLOPE


def _leaky(z: Number) -> Number:
    z = np.asarray(z, dtype=float)
    return np.where(z > 0.0, z, LEAKY_SLOPE * z)


def _dleaky(z: Number) -> Number:
    return np.where(np.asarray(z) > 0.0, 1.0, LEAKY_SLOPE)


# --- softplus: log(1 + e^z) = max(z, 0) + log1p(e^(−|z|)),  f′(z) = σ(z) ---------------------------

def _softplus_scalar(z: float) -> float:
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def _softplus(z: Number) -> Number:
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


# --- identity ----------------------------------------------------------------------------------

def _identity(z: Number) -> Number:
    return z


def _one(z: Number) -> Number:
    return np.ones_like(z, dtype=float) if isinstance(z, np.ndarray) else 1.0


# --- softmax over a layer (the last axis of an array, or a whole vector) ---------------------------

def softmax(z: Number, axis: int = -1) -> np.ndarray:
    """p_k = exp(z_k − max z) / Σ_j exp(z_j − max z): shifting by the maximum leaves p unchanged and
    keeps every exponent ≤ 0, so nothing overflows."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def logsumexp(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """log Σ_k exp(z_k), computed as max z + log Σ_k exp(z_k − max z)."""
    z = np.asarray(z, dtype=float)
    zmax = np.max(z, axis=axis, keepdims=True)
    return np.squeeze(zmax, axis=axis) + np.log(np.sum(np.exp(z - zmax), axis=axis))


def _softmax_df(z: Number) -> Number:
    raise ValueError(
        "softmax has no elementwise derivative: its Jacobian ∂p_k/∂z_j = p_k(δ_kj − p_j) is a full matrix. "
        "neurosim uses softmax only with loss='cross_entropy', where δ = p − onehot(y) needs no f′."
    )


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation("sigmoid", _sigmoid, _dsigmoid, _sigmoid_scalar, _dsigmoid_scalar, symbol="σ",
                          df_az=lambda a, z: a * (1.0 - a)),   # σ′(z) = σ(z)(1 − σ(z)), the same digits
    "tanh": Activation("tanh", np.tanh, _dtanh, math.tanh, _dtanh_scalar, symbol="tanh",
                       df_az=lambda a, z: 1.0 - a * a),
    "relu": Activation("relu", _relu, _drelu, _relu_scalar, _drelu_scalar, symbol="ReLU"),
    "leaky_relu": Activation("leaky_relu", _leaky, _dleaky, _leaky_scalar, _dleaky_scalar, symbol="LReLU"),
    "softplus": Activation("softplus", _softplus, _sigmoid, _softplus_scalar, _sigmoid_scalar, symbol="softplus"),
    "identity": Activation("identity", _identity, _one, float, lambda z: 1.0, symbol="id",
                           df_az=lambda a, z: 1.0),
    "softmax": Activation("softmax", softmax, _softmax_df, elementwise=False, symbol="softmax"),
}
ALIASES = {"linear": "identity"}


def _listed(name: str) -> str:
    # softmax is refused in a hidden layer (check_setup): say so where the valid names are listed
    return f"{name!r} (output only)" if name in ACTIVATIONS and not ACTIVATIONS[name].elementwise else repr(name)


def get_activation(spec: str | Activation, parameter: str = "activation") -> Activation:
    """Return the Activation named by ``spec`` (or ``spec`` itself); a clear error names the valid ones."""
    if isinstance(spec, Activation):
        return spec
    if isinstance(spec, str):
        key = ALIASES.get(spec.lower(), spec.lower())
        if key in ACTIVATIONS:
            return ACTIVATIONS[key]
        names = [*ACTIVATIONS, *ALIASES]
        raise ValueError(f"{parameter}: unknown activation {excerpt(spec)}{did_you_mean(spec, names)}; valid names "
                         f"are {', '.join(_listed(n) for n in names)}, or an ns.Activation")
    raise TypeError(f"{parameter}: expected an activation name or an ns.Activation, got {type(spec).__name__}")


def is_builtin(activation: Activation) -> bool:
    """True when ``activation`` is one of the built-in objects, so that it can be saved by name."""
    return ACTIVATIONS.get(activation.name) is activation
