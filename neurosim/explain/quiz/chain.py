"""The worked solution of a numeric question as the whole chain: the forward values the asked quantity
needs, then the δ recursion layer by layer (output layer first), then the asked number — each as
``ns.trace`` writes it."""

from __future__ import annotations

from collections.abc import Sequence


def chain(steps: Sequence, kind: str, where: tuple[int, ...]) -> list:
    """The Steps of ``steps`` (one ``ns.trace``) that the asked quantity needs, in the order of the
    computation, ending with the one that computes it.

    z_i^(l), a_i^(l): every z and a of layers 2 … l − 1, then z_i^(l) (and a_i^(l)). δ_i^(l): the whole forward
    pass (the output depends on every neuron), every δ of layers n_l … l + 1, then δ_i^(l). ∂J/∂W_ij^(l): the
    forward pass, the δ of layers n_l … l + 2, δ_i^(l+1), then δ_i^(l+1)·a_j^(l).
    """
    forward = [s for s in steps if s.phase == "forward"]
    if kind in ("z", "a"):
        l, i = where
        need = [s for s in forward if s.layer < l]
        need += [s for s in forward if (s.layer, s.index) == (l, i) and (s.kind == "z" or kind == "a")]
        return need
    if kind == "delta":
        l, i = where
        deeper = [s for s in steps if s.phase == "backward" and s.layer > l]
        this = [s for s in steps if s.phase == "backward" and (s.layer, s.index) == (l, i)]
        return forward + deeper + this
    if kind == "grad":
        l, i, j = where
        deeper = [s for s in steps if s.phase == "backward" and s.layer > l + 1]
        delta = [s for s in steps if s.phase == "backward" and (s.layer, s.index) == (l + 1, i)]
        grad = [s for s in steps if s.phase == "gradient" and s.kind == "W" and (s.layer, s.index, s.source) == where]
        return forward + deeper + delta + grad
    raise ValueError(f"kind: expected z, a, delta or grad, got {kind!r}")
