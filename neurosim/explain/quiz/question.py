"""Exercises: ask for one z, a, δ or weight gradient of a small network and diagnose a wrong answer.

A :class:`Quiz` holds one question about one example (x, y) on one network. The expected value comes from
the network's own scalar engine; the worked solution is the matching :class:`~neurosim.explain.trace.Step` of
``ns.trace``. A wrong answer is compared with the numbers that common mistakes give on the same network
(:data:`MISTAKES`). Each mistake's number is computed by :func:`_hand_pass`, a small numpy re-derivation of
the passes written for this purpose (it shares nothing with the engine), in two scopes: the slip made only in
the asked step (everything before it right), and the slip made in every layer (a misunderstood rule repeats).

Agreement within the tolerance ``tol`` (relative) means |answer − v| ≤ tol · max(|v|, 0.01): below 0.01 the
tolerance becomes absolute, so a value such as 0.0004 is not demanded to five significant digits.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from ...base.notation import symbol
from ...core.activations import Activation
from ...core.network import Network
from ...core.validation import as_input, as_target, check_number
from . import structure
from .answers import Candidate, Check, close, diagnosis, parse_answer
from .chain import chain
from .mistakes import _BACKWARD_SLIPS, _FORWARD_SLIPS, MISTAKES, _hand_pass, _Values
from .structure import KIND
from .table import format_html, format_table

KINDS = ("z", "a", "delta", "grad")          # questions with a number for answer
STRUCTURE_KINDS = tuple(KIND)                 # questions with a shape or a neuron for answer
ASK_CHOICES = (*KINDS, *STRUCTURE_KINDS, "any")


class Quiz:
    """One exercise: a small network, one example (x, y), and one quantity to compute by hand.

    ``Quiz(seed=...)`` builds a random network of ``sizes`` whose weights, biases and inputs have ``decimals``
    decimals (one by default, so that the arithmetic is doable by hand) and picks a quantity of kind ``ask``:
    ``"z"`` (z_i^(l)), ``"a"`` (a_i^(l)), ``"delta"`` (δ_i^(l) = ∂J/∂z_i^(l)), ``"grad"`` (∂J/∂W_ij^(l) of
    J(W,b; x, y)) or ``"any"``. Pass ``net``, ``x`` and ``y`` to quiz on your own network, and ``where`` =
    (l, i) — or (l, i, j) for W_ij^(l) — to choose the quantity.

    ``.question`` is the full text (the table and the request); ``.check(answer)`` returns a :class:`Check`.
    """

    def __init__(self, seed: int | None = None, sizes: Sequence[int] = (2, 2, 2),
                 activation: str | Activation | Sequence = "sigmoid", output: str | Activation | None = None,
                 loss: str = "half_sse", ask: str = "any", tol: float = 1e-2, decimals: int = 1,
                 net: Network | None = None, x=None, y=None, where: Sequence[int] | None = None):
        if ask not in ASK_CHOICES:
            raise ValueError(f"ask: expected one of {', '.join(ASK_CHOICES)}, got {ask!r}")
        self.tol = check_number(tol, "tol", positive=True)
        if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral) or not 1 <= decimals <= 6:
            raise ValueError(f"decimals: expected a whole number from 1 to 6, got {decimals!r}")
        try:
            self._rng = np.random.default_rng(seed)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"seed: expected None or a non-negative integer, got {seed!r}") from exc
        self.seed = seed
        # kept so that export() can make more questions of the same kind
        self._settings = dict(sizes=sizes, activation=activation, output=output, loss=loss, ask=ask, tol=tol,
                              decimals=decimals, user_net=net is not None)
        if net is None:
            if x is not None or y is not None:
                raise ValueError("x, y: give them together with net=, or leave all three out for a random network")
            self.net = self._random_network(sizes, activation, output, loss, seed, int(decimals))
            self.x, self.y = self._random_example(int(decimals))
            for _ in range(20):
                # A z of 0 sits on ReLU's kink, where f′ is a convention rather than arithmetic: draw again.
                self.net.forward(self.x)
                if all(abs(n.z) > 1e-9 for l in range(2, self.net.n_layers + 1) for n in self.net.layer(l)):
                    break
                self._set_random_parameters(self.net, int(decimals))
                self.x, self.y = self._random_example(int(decimals))
        else:
            if not isinstance(net, Network):
                raise TypeError(f"net: expected an ns.Network, got {type(net).__name__}")
            if x is None or y is None:
                raise ValueError("x, y: a quiz on your own net needs the example too: Quiz(net=net, x=..., y=...)")
            self.net = net
            self.x = as_input(x, net.sizes[0])
            self.y = y
        self.t = as_target(self.y, self.net.loss, self.net.sizes[-1])
        self.net.forward(self.x)
        self.net.backward(self.y)
        self._params = self.net.parameters()
        # the batch size of a shape question: never a layer width, so a transposed Δ cannot pass as right
        self.m = 0
        if ask == "shape":
            self.m = int(self._rng.choice([m for m in range(3, 10) if m not in self.net.sizes]))
        if where is None:
            self.kind, self.where = self._pick(ask)
        else:
            if ask == "any":
                ask = "grad" if isinstance(where, (tuple, list)) and len(where) == 3 else "delta"
            self.kind, self.where = self._check_where(ask, where)
        self.expected = self._expected()
        if self.numeric:
            self._verify()

    # --- construction ---------------------------------------------------------------------------

    def _random_network(self, sizes, activation, output, loss, seed, decimals) -> Network:
        net = Network(sizes, activation=activation, output=output, loss=loss, seed=seed)
        self._set_random_parameters(net, decimals)
        return net

    def _set_random_parameters(self, net: Network, decimals: int) -> None:
        for l in range(1, net.n_layers):
            net.set_weights(l, self._grid((net.sizes[l], net.sizes[l - 1]), 1.0, decimals))
            net.set_biases(l, self._grid((net.sizes[l],), 0.5, decimals))

    def _grid(self, shape, scale: float, decimals: int) -> np.ndarray:
        """Non-zero values with ``decimals`` decimals, |v| ≤ scale: a zero would make several mistakes agree."""
        unit = 10 ** decimals
        magnitude = self._rng.integers(1, round(scale * unit) + 1, size=shape) / unit
        return magnitude * self._rng.choice([-1.0, 1.0], size=shape)

    def _random_example(self, decimals: int):
        x = self._grid((self.net.sizes[0],), 1.0, decimals)
        k, name = self.net.sizes[-1], self.net.loss.name
        if name == "cross_entropy":
            return x, int(self._rng.integers(0, k))
        if name == "binary_cross_entropy":
            return x, self._rng.integers(0, 2, size=k).astype(float)
        unit = 10 ** decimals
        return x, self._rng.integers(0, unit + 1, size=k) / unit

    def _positions(self, kind: str) -> list[tuple]:
        if kind in KIND:
            return KIND[kind].positions(self.net)
        if kind == "grad":
            return structure.weight_positions(self.net)
        s = self.net.sizes
        return [(l, i) for l in range(2, self.net.n_layers + 1) for i in range(1, s[l - 1] + 1)]

    def _pick(self, ask: str) -> tuple[str, tuple[int, ...]]:
        """A random quantity of the asked kind; values near 0 (a dead ReLU, say) are avoided when possible,
        because most mistakes give 0 there too and the answer would teach nothing."""
        kind = str(self._rng.choice(KINDS)) if ask == "any" else ask
        if kind in KIND:
            positions = KIND[kind].choices(self.net, self.m)
            return kind, positions[int(self._rng.integers(len(positions)))]
        positions = self._positions(kind)
        order = self._rng.permutation(len(positions))
        for k in order:
            self.kind, self.where = kind, positions[k]
            if abs(self._expected()) >= 1e-3:
                return kind, positions[k]
        return kind, positions[order[0]]

    def _check_where(self, kind: str, where) -> tuple[str, tuple[int, ...]]:
        where = tuple(where) if isinstance(where, (tuple, list)) else (where,)
        positions = self._positions(kind)
        if where not in positions:
            shape = KIND[kind].where_text if kind in KIND else \
                structure.WEIGHT_WHERE if kind == "grad" else "(l, i) with l = 2 … n_l"
            raise ValueError(f"where: expected {shape} of this {'-'.join(map(str, self.net.sizes))} network "
                             f"(1-based), got {where!r}")
        return kind, where

    # --- the asked quantity ---------------------------------------------------------------------

    @property
    def _kind(self) -> structure.StructureKind | None:
        """The structure question kind that answers for this quiz, or None for a numeric question."""
        return KIND.get(self.kind)

    def _title(self, latex: bool) -> str:
        if self._kind is not None:
            return self._kind.title(self.where, latex)
        if self.kind == "grad":
            sym = structure.d_J(symbol("W", *self.where, latex=latex), latex)
        else:
            sym = symbol(self.kind, *self.where, latex=latex)
        return f"${sym}$" if latex else sym

    @property
    def symbol(self) -> str:
        """The asked quantity in the notation, e.g. ``δ_1^(2)``, ``∂J/∂W_12^(1)``, ``shape of W^(2)`` or
        ``sender along W_12^(2)``."""
        return self._title(latex=False)

    @property
    def mathtext(self) -> str:
        """The asked quantity as matplotlib mathtext, e.g. ``$\\delta_{1}^{(2)}$`` or ``the shape of $W^{(2)}$``."""
        return self._title(latex=True)

    @property
    def numeric(self) -> bool:
        """True when the answer is a number (z, a, δ, a gradient); False for a shape or a neuron."""
        return self.kind in KINDS

    def _expected(self):
        if self._kind is not None:
            return self._kind.expected(self.where, self.net, self.m)
        if self.kind == "grad":
            return float(self.net.connection(*self.where).grad)
        neuron = self.net.neuron(*self.where)
        return float({"z": neuron.z, "a": neuron.a, "delta": neuron.delta}[self.kind])

    def _value(self, values: _Values) -> float:
        if self.kind == "grad":
            l, i, j = self.where
            return float(values.delta[l + 1][i - 1] * values.a[l][j - 1])
        l, i = self.where
        return float(getattr(values, self.kind)[l][i - 1])

    def _pass(self, slip: str | None = None, variant: int = 0, layers: set[int] | None = None) -> _Values:
        Ws = [W for W, _ in self._params]
        bs = [b for _, b in self._params]
        return _hand_pass(Ws, bs, self.net.activations, self.net.loss.name, self.x, self.t, slip, variant, layers,
                          backward=self.kind in ("delta", "grad"))

    def _verify(self) -> None:
        # The hand computation without a slip must reproduce the engine, or its mistakes would be off too.
        mine = self._value(self._pass())
        if not abs(mine - self.expected) <= 1e-9 * max(1.0, abs(self.expected)):
            raise RuntimeError(f"quiz: hand computation {mine!r} disagrees with the engine {self.expected!r} "
                               f"for {self.symbol}; please report this")

    # --- the mistakes ---------------------------------------------------------------------------

    def _applies(self, key: str) -> bool:
        out, loss = self.net.activations[-1].name, self.net.loss.name
        if key == "softmax_elementwise":
            return out == "softmax"
        if key == "factor_two":
            return loss in ("half_sse", "sse")
        if key == "forgot_f":
            return self.kind == "a"
        return True

    def candidates(self) -> list[Candidate]:
        """What each applicable mistake gives for the asked quantity on this network.

        Only numbers that differ from the right one (beyond the tolerance) and that the mistake can produce on
        this network are listed; the same mistake may appear more than once (made in this step only, or in
        every layer; or two readings of it).
        """
        if self._kind is not None:
            return self._kind.candidates(self.where, self.net, self.m)
        slips = _FORWARD_SLIPS if self.kind in ("z", "a") else _BACKWARD_SLIPS
        here = self.where[0] + 1 if self.kind == "grad" else self.where[0]
        found: list[Candidate] = []
        for key in slips:
            if not self._applies(key):
                continue
            for variant in ((0, 1) if key == "softmax_elementwise" else (0,)):
                for layers, how in (({here}, "in this step"), (None, "in every layer")):
                    found.append(Candidate(MISTAKES[key], self._value(self._pass(key, variant, layers)), how))
        if self.kind == "grad":
            found += self._gradient_slips()
        unique: list[Candidate] = []
        for c in found:
            if not math.isfinite(c.value) or close(c.value, self.expected, self.tol):
                continue
            if any(u.mistake is c.mistake and close(c.value, u.value, 1e-12) for u in unique):
                continue
            unique.append(c)
        return unique

    def _gradient_slips(self) -> list[Candidate]:
        """Slips in ∂J/∂W_ij^(l) = δ_i^(l+1) a_j^(l) itself, with every δ and a right."""
        l, i, j = self.where
        v = self._pass()

        def entry(values: dict[int, np.ndarray], layer: int, k: int) -> float:
            return float(values[layer][k - 1]) if layer in values and k <= len(values[layer]) else math.nan

        index, layer = MISTAKES["wrong_index"], MISTAKES["wrong_layer"]
        found = []
        for mistake, (ld, id_), (la, ia) in ((index, (l + 1, j), (l, i)), (index, (l + 1, i), (l, i)),
                                             (layer, (l, i), (l, j)), (layer, (l + 1, i), (l + 1, j))):
            how = f"as {symbol('delta', ld, id_)}·{symbol('a', la, ia)}"
            found.append(Candidate(mistake, entry(v.delta, ld, id_) * entry(v.a, la, ia), how))
        return found

    # --- asking and checking ---------------------------------------------------------------------

    @property
    def prompt(self) -> str:
        """The request alone, e.g. "Compute δ_1^(2) = ∂J/∂z_1^(2) …"."""
        if self._kind is not None:
            return self._kind.prompt(self.where, self.m)
        what = {"z": "the weighted input", "a": "the activation", "delta": "the error term",
                "grad": "the gradient of the loss"}[self.kind]
        extra = f" = ∂J/∂{symbol('z', *self.where)}" if self.kind == "delta" else ""
        data = "the input x" if self.kind in ("z", "a") else "the input x and target y"
        return f"Compute {what} {self.symbol}{extra} for {data} above."

    @property
    def table(self) -> str:
        """The network, input and target as text."""
        return format_table(self.net, self.x, self.y)

    @property
    def question(self) -> str:
        """The table of the network and the request."""
        return f"{self.table}\n\n{self.prompt}"

    def __str__(self) -> str:
        return self.question

    def _repr_html_(self) -> str:
        """Jupyter: the table's entries as HTML tables, then the request with the asked symbol typeset."""
        return format_html(self.net, self.x, self.y, self.prompt, self.mathtext.split("$")[1])

    def __repr__(self) -> str:
        return f"Quiz({self.symbol} on {self.net!r}, seed={self.seed!r})"

    def export(self, path, rounds: int = 10, seed: int | None = None):
        """Write a problem set of ``rounds`` questions made like this one (same network settings and ``ask``;
        on your own ``net``, other quantities of it) to ``path`` (.md, .html or .tex) and its answer key beside
        it (``problems.md`` → ``problems-answers.md``). Question k uses ``seed + k − 1`` (default: this quiz's
        seed), so the same seed writes the same files. Returns (sheet path, key path)."""
        from .export import export_like
        return export_like(self, path, rounds, seed)

    def _trace(self):
        from ..trace import trace
        return trace(self.net, self.x, self.y)

    def steps(self) -> tuple[object, object | None]:
        """(the Step of ``ns.trace(net, x, y)`` computing the asked quantity, the Step of the δ or z it builds on,
        or None when all its inputs are in the table). Numeric questions only."""
        if not self.numeric:
            raise LookupError(f"quiz: a {self.kind} question has no step of the trace; see .solution")
        if self.kind == "grad":
            l, i, j = self.where
            target = ("gradient", "W", l, i, j)
            before = ("backward", "delta", l + 1, i, None)
        else:
            l, i = self.where
            target = ("forward" if self.kind in ("z", "a") else "backward", self.kind, l, i, None)
            before = {"z": None, "a": ("forward", "z", l, i, None)}.get(self.kind)
        found = {(s.phase, s.kind, s.layer, s.index, s.source): s for s in self._trace()}
        if target not in found:
            raise LookupError(f"quiz: the trace has no step for {self.symbol}")
        return found[target], found.get(before) if before else None

    def chain(self) -> list:
        """The whole worked chain: every Step of ``ns.trace`` the asked number needs — the forward values,
        then the δ recursion output layer first — ending with the Step that computes it (empty for a shape or
        sender question, whose solution is a rule)."""
        return chain(self._trace(), self.kind, self.where) if self.numeric else []

    @property
    def solution(self):
        """The worked solution: the Step of ``ns.trace(net, x, y)`` that computes the asked quantity (its
        ``.formula`` in symbols, its ``.numbers`` with this network's numbers); for a shape or sender question
        the rule, with this network's numbers, as text."""
        if self._kind is not None:
            return self._kind.rule(self.where, self.net, self.m)
        return self.steps()[0]

    def check(self, answer) -> Check:
        """Judge ``answer``: a number (or text holding one) correct within ``tol``; a shape (``4x3``, ``4×3``,
        ``(4, 3)``) or a neuron (``3,1``) exactly. A wrong answer gets the closest catalogued mistake(s) — all
        of them when several give the same answer — and the whole worked chain."""
        if self._kind is not None:
            value = self._kind.parse(answer)
            chosen = [c for c in self.candidates() if c.value == value]
            chosen = [c for k, c in enumerate(chosen) if all(u.mistake is not c.mistake for u in chosen[:k])]
            return Check(value, value == self.expected, self.expected, self.symbol, tuple(chosen),
                         diagnosis(chosen, self.kind) if chosen else None, self.solution, kind=self.kind)
        value = parse_answer(answer)
        solution, before = self.steps()
        steps = tuple(self.chain())
        if close(value, self.expected, self.tol):
            return Check(value, True, self.expected, self.symbol, solution=solution, chain=steps)
        matches = sorted((c for c in self.candidates() if close(value, c.value, self.tol)),
                         key=lambda c: abs(value - c.value))
        chosen: list[Candidate] = []
        for c in matches:
            if close(c.value, matches[0].value, self.tol) and all(u.mistake is not c.mistake for u in chosen):
                chosen.append(c)
        return Check(value, False, self.expected, self.symbol, tuple(chosen), diagnosis(chosen) if chosen else None,
                     solution, before, steps)
