"""Per-example losses J(W,b; x, y) and the output-layer error term δ^(n_l) they start backprop with.

Each loss works on the output layer's z and a and the target t (same shape as a; class labels are
turned into one-hot rows before they get here), elementwise, so the same code serves one neuron,
one example and a whole batch in either layout (``axis`` names the output axis).

Two kinds of output rule (DESIGN §1):

* plain:  δ_i = ∂J/∂a_i · f′(z_i), where ``grad(a, t)`` is ∂J/∂a_i;
* paired: the loss is defined together with its output activation, the f′ factor cancels and
  ``grad(a, t)`` is δ_i itself: softmax + cross-entropy and sigmoid + binary cross-entropy both give
  δ = a − t.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import mul

import numpy as np

from ..base.limits import excerpt
from ..base.names import did_you_mean
from .activations import logsumexp

_FLOAT64 = np.dtype(float)   # numpy's one float64 dtype object, for a test by identity


@dataclass(frozen=True, eq=False)
class Loss:
    """A per-example loss: ``value(z, a, t, axis)`` sums over the output axis; ``grad`` is elementwise."""

    name: str
    value: Callable[..., np.ndarray]
    grad: Callable
    paired_output: str | None = None
    formula: str = ""        # J, in the notation, for printed explanations
    grad_formula: str = ""   # ∂J/∂a_i (plain) or δ_i (paired), with {a} and {y} as placeholders

    def delta(self, df: Callable, z, a, t):
        """δ = ∂J/∂z of the output layer, elementwise: grad(a, t)·f′(z), or grad(a, t) for a paired loss.

        ``df`` is the output activation's f′: ``Activation.df`` for arrays (the matrix twin) or
        ``Activation.df_scalar`` for one number; the scalar engine calls :meth:`delta_row`, this rule over lists.
        """
        if self.paired_output:
            return self.grad(a, t)
        return self.grad(a, t) * df(z)

    def mean(self, Z, A, T) -> float:
        """(1/m) Σ_k J(W,b; x_k, y_k): the loss averaged over the m columns (examples) of Z, A and T, the data
        term of the batch cost in both engines (``np.mean``'s very arithmetic, without its overhead)."""
        values = self.value(Z, A, T, axis=0)
        if type(values) is not np.ndarray or values.dtype is not _FLOAT64:
            # A loss of one's own may return a list, a float, float32 numbers or a masked array: np.mean's own
            # rules for those (its sum in float32, its mask), which a cast to float64 first would change.
            return float(np.mean(values))
        return float(values.sum() / values.size)

    def delta_row(self, df_az: Callable, z: list, a: list, t: list) -> list:
        """The same rule for one output neuron of the scalar engine, over its lists of numbers in the examples:
        [grad(a_k, t_k)·f′(z_k)] with f′ read from a and z (``Activation.df_az``), or [grad(a_k, t_k)]."""
        if self.paired_output:
            return list(map(self.grad, a, t))
        return list(map(mul, map(self.grad, a, t), map(df_az, a, z)))


def _half_sse(z, a, t, axis=-1):
    return 0.5 * np.sum((np.asarray(a) - t) ** 2, axis=axis)


def _sse(z, a, t, axis=-1):
    return np.sum((np.asarray(a) - t) ** 2, axis=axis)


def _cross_entropy(z, a, t, axis=-1):
    # −Σ_k t_k log p_k with log p_k = z_k − logsumexp(z): never takes the log of a rounded-to-zero p.
    z = np.asarray(z, dtype=float)
    log_p = z - np.expand_dims(logsumexp(z, axis=axis), axis)
    return -np.sum(t * log_p, axis=axis)


def _binary_cross_entropy(z, a, t, axis=-1):
    # −[t log σ(z) + (1 − t) log(1 − σ(z))] = softplus(z) − t z, free of log(0).
    z = np.asarray(z, dtype=float)
    softplus = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))
    return np.sum(softplus - t * z, axis=axis)


def _residual(a, t):
    return a - t


def _twice_residual(a, t):
    return 2.0 * (a - t)


LOSSES: dict[str, Loss] = {
    "half_sse": Loss("half_sse", _half_sse, _residual, None,
                     "J = ½ Σ_i (a_i − y_i)²", "({a} − {y})"),
    "sse": Loss("sse", _sse, _twice_residual, None,
                "J = Σ_i (a_i − y_i)²", "2·({a} − {y})"),
    "cross_entropy": Loss("cross_entropy", _cross_entropy, _residual, "softmax",
                          "J = −log p_y,  p = softmax(z)", "({a} − {y})"),
    "binary_cross_entropy": Loss("binary_cross_entropy", _binary_cross_entropy, _residual, "sigmoid",
                                 "J = −Σ_i [y_i log a_i + (1 − y_i) log(1 − a_i)]", "({a} − {y})"),
}


def get_loss(name: str) -> Loss:
    """Return the Loss called ``name``; the error lists the valid names."""
    if isinstance(name, Loss):
        return name
    if isinstance(name, str) and name.lower() in LOSSES:
        return LOSSES[name.lower()]
    valid = ", ".join(repr(n) for n in LOSSES)
    raise ValueError(f"loss: unknown loss {excerpt(name)}{did_you_mean(name, LOSSES)}; valid names are {valid}")
