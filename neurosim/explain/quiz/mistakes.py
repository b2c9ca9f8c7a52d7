"""The catalogue of common mistakes and the hand computation that makes them.

:func:`_hand_pass` is a small numpy re-derivation of the passes written for the quiz alone (it shares nothing
with the engine), so a slip can be injected into one layer or every layer and the number it gives compared
with a learner's answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...core.activations import Activation


@dataclass(frozen=True)
class Mistake:
    """One entry of the catalogue: ``key`` (stable identifier), ``name`` (what the learner did) and ``fix``
    (the right rule, in the notation)."""

    key: str
    name: str
    fix: str


MISTAKES: dict[str, Mistake] = {m.key: m for m in (
    Mistake("forgot_fprime", "forgot f′(z)",
            "δ_i^(l) = (∂J/∂a_i or the message sum Σ_j δ_j^(l+1) W_ji^(l)) · f′(z_i^(l)): the error has to pass "
            "back through the activation, so multiply by f′(z_i^(l))."),
    Mistake("wrong_index", "used W instead of Wᵀ (wrong index)",
            "W_ij^(l) runs from neuron j of layer l to neuron i of layer l+1: "
            "forward z_i^(l+1) = Σ_j W_ij^(l) a_j^(l); backward, neuron i of layer l collects δ_j^(l+1) W_ji^(l) "
            "(column i of W^(l), i.e. Wᵀδ); and "
            "∂J/∂W_ij^(l) = δ_i^(l+1) a_j^(l)."),
    Mistake("factor_two", "dropped the ½ (factor 2)",
            "half_sse J = ½ Σ (a_i − y_i)² gives ∂J/∂a_i = a_i − y_i (the ½ cancels the 2); sse J = Σ (a_i − y_i)² "
            "gives 2(a_i − y_i). Mixing the two is off by a factor 2."),
    Mistake("fprime_of_a", "used a instead of z in f′",
            "f′ is evaluated at z_i^(l), the neuron's input: f′(z_i^(l)), not f′(a_i^(l)). (For the sigmoid "
            "f′(z) = a(1 − a) — written with a, but it is f′ at z.)"),
    Mistake("wrong_layer", "summed over the wrong layer",
            "neuron i of layer l sums the messages of its successors: δ_i^(l) = (Σ_j δ_j^(l+1) W_ji^(l)) f′(z_i^(l)) "
            "uses W^(l), the weights leaving layer l, not W^(l−1); and ∂J/∂W_ij^(l) = δ_i^(l+1) a_j^(l) takes δ of "
            "layer l+1 and a of layer l."),
    Mistake("sign_flipped", "sign of (a − y) flipped",
            "∂J/∂a_i is a_i − y_i (times 2 for sse), output minus target: y − a has the wrong sign, and so has "
            "every δ and gradient computed from it."),
    Mistake("softmax_elementwise", "softmax treated elementwise",
            "softmax couples the whole layer, so it has no elementwise f′; with cross-entropy the chain rule over "
            "the full Jacobian gives δ^(n_l) = p − onehot(y), with no f′ factor."),
    Mistake("forgot_bias", "forgot the bias",
            "z_i^(l+1) = Σ_j W_ij^(l) a_j^(l) + b_i^(l): the bias is added to the weighted sum."),
    Mistake("forgot_f", "forgot the activation f",
            "a_i^(l) = f(z_i^(l)): the neuron's output is its activation applied to z, not z itself."),
    Mistake("transposed", "transposed the shape (rows and columns swapped)",
            "W^(l) has one ROW per target neuron i of layer l+1 and one COLUMN per source neuron j of layer l: "
            "s_{l+1}×s_l. In the notes' column form every example is a COLUMN, so Δ^(l) and A^(l) are s_l×m."),
    Mistake("forgot_batch", "forgot the batch dimension",
            "for a batch of m examples stacked as columns, Δ^(l) = [δ^(l)(x^(1)) … δ^(l)(x^(m))] has m columns: "
            "s_l×m, not s_l×1."),
    Mistake("batch_product", "multiplied over the neurons instead of the examples",
            "∂J/∂W^(l) = (1/m) Δ^(l+1) (A^(l))ᵀ: (s_{l+1}×m)(m×s_l) sums over the m examples and has the shape of "
            "W^(l); (Δ^(l+1))ᵀ A^(l) would be m×m."),
    Mistake("forward_direction", "took the forward direction of the connection",
            "W_ij^(l) carries a_j^(l) forward from neuron j of layer l to neuron i of layer l+1; in the backward "
            "pass its message δ_i^(l+1)·W_ij^(l) travels the other way, sent by neuron i of layer l+1 to neuron "
            "j of layer l."),
)}

# Which slips can happen in the pass a question asks about.
_FORWARD_SLIPS = ("wrong_index", "forgot_bias", "forgot_f")
_BACKWARD_SLIPS = ("forgot_fprime", "fprime_of_a", "wrong_index", "wrong_layer", "sign_flipped", "factor_two",
                   "softmax_elementwise")


# --- the hand computation, with one slip ----------------------------------------------------------

def _swapped(W: np.ndarray) -> np.ndarray:
    """S with S[i, j] = W[j, i] wherever that entry of W exists, NaN elsewhere; same shape as W.

    Swapping the indices of a non-square W^(l) leaves some entries undefined; NaN carries that through every
    sum, so a mistake that cannot be made on this network yields no number and is never diagnosed.
    """
    k = min(W.shape)
    S = np.full(W.shape, np.nan)
    S[:k, :k] = W.T[:k, :k]
    return S


@dataclass
class _Values:
    z: dict[int, np.ndarray]
    a: dict[int, np.ndarray]
    delta: dict[int, np.ndarray]


def _hand_pass(Ws: Sequence[np.ndarray], bs: Sequence[np.ndarray], acts: Sequence[Activation], loss_name: str,
               x: np.ndarray, t: np.ndarray, slip: str | None = None, variant: int = 0,
               layers: set[int] | None = None, backward: bool = False) -> _Values:
    """z, a, δ of every layer for one example, written from the equations of DESIGN §1, with ``slip`` made in
    ``layers`` (None: every layer) of the forward pass, or of the backward pass when ``backward``.

    Forward z^(l) = W^(l−1) a^(l−1) + b^(l−1), a^(l) = f(z^(l)); output δ = ∂J/∂a ⊙ f′(z) (a − y for a paired
    loss); hidden δ^(l) = (W^(l)ᵀ δ^(l+1)) ⊙ f′(z^(l)). Entries a slip leaves undefined are NaN.
    """
    n = len(Ws) + 1

    def on(l: int) -> bool:
        return slip is not None and (layers is None or l in layers)

    def on_forward(l: int) -> bool:
        return not backward and on(l)

    z: dict[int, np.ndarray] = {}
    a: dict[int, np.ndarray] = {1: np.asarray(x, float)}
    for l in range(2, n + 1):
        W, b = Ws[l - 2], bs[l - 2]
        if on_forward(l) and slip == "wrong_index":
            W = _swapped(W)
        # b + Σ_j W_ij a_j summed in the engine's order, so that a z of exactly 0 (ReLU's kink) stays exactly 0.
        z[l] = np.zeros(len(b)) if on_forward(l) and slip == "forgot_bias" else np.array(b, float)
        for j, a_j in enumerate(a[l - 1]):
            z[l] = z[l] + W[:, j] * a_j
        act = acts[l - 2]
        a[l] = z[l].copy() if on_forward(l) and slip == "forgot_f" else np.asarray(act.f(z[l]), float)
    if not backward:
        slip = None

    delta: dict[int, np.ndarray] = {}
    out, zn, an = acts[-1], z[n], a[n]
    if loss_name in ("cross_entropy", "binary_cross_entropy"):
        # Paired output: the f′ of softmax / sigmoid cancels against the loss, δ = a − y.
        g = an - t
        if on(n) and slip == "sign_flipped":
            g = t - an
        if on(n) and slip == "softmax_elementwise" and out.name == "softmax":
            # Variant 0: the half_sse rule (a − y) f′ with the diagonal p(1 − p) of the Jacobian as f′;
            # variant 1: ∂J/∂p_k = −y_k/p_k times that diagonal, i.e. −y_k (1 − p_k).
            g = (an - t) * an * (1 - an) if variant == 0 else -t * (1 - an)
        delta[n] = g
    else:
        g = 2 * (an - t) if loss_name == "sse" else an - t
        if on(n) and slip == "sign_flipped":
            g = -g
        if on(n) and slip == "factor_two":
            g = g / 2 if loss_name == "sse" else 2 * g
        delta[n] = _times_fprime(g, out, zn, an, slip if on(n) else None)
    for l in range(n - 1, 1, -1):
        W = Ws[l - 1]
        if on(l) and slip == "wrong_index":
            messages = _swapped(W).T @ delta[l + 1]          # Σ_j W_ij δ_j instead of Σ_j W_ji δ_j
        elif on(l) and slip == "wrong_layer":
            W_in = Ws[l - 2]                                  # the weights INTO layer l, row i: W_ik^(l−1)
            messages = W_in @ delta[l + 1] if W_in.shape[1] == W.shape[0] else np.full(W.shape[1], np.nan)
        else:
            messages = W.T @ delta[l + 1]
        delta[l] = _times_fprime(messages, acts[l - 2], z[l], a[l], slip if on(l) else None)
    return _Values(z, a, delta)


def _times_fprime(g: np.ndarray, act: Activation, z: np.ndarray, a: np.ndarray, slip: str | None) -> np.ndarray:
    if slip == "forgot_fprime":
        return np.asarray(g, float)
    return g * np.asarray(act.df(a if slip == "fprime_of_a" else z), float)


# --- the quiz ------------------------------------------------------------------------------------
