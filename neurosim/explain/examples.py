"""The networks of the source notes, ready to step through: ``example(name)`` returns an :class:`Example`.

Weights are drawn from a fixed seed and rounded to two decimals, biases to one, so that every number
can be checked by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..base.html import box, paragraph, table
from ..base.limits import excerpt
from ..base.names import did_you_mean
from ..core.network import Network


@dataclass
class Example:
    """A network from one source note with an example (x, y) and a small batch (X, Y), one example per row."""

    name: str
    title: str
    description: str
    net: Network
    X: np.ndarray
    Y: np.ndarray

    @property
    def x(self) -> np.ndarray:
        """The first example's input."""
        return self.X[0]

    @property
    def y(self) -> np.ndarray:
        """The first example's target (a class label for cross-entropy)."""
        return self.Y[0]

    def _repr_html_(self) -> str:
        """Jupyter: the note, the network (its own display) and the batch, one example per row."""
        rows = [(str(k), ", ".join(f"{v:g}" for v in x), ", ".join(f"{v:g}" for v in np.atleast_1d(y)))
                for k, (x, y) in enumerate(zip(self.X, self.Y), start=1)]
        return box(paragraph(f"{self.title}: {self.description}"), self.net._repr_html_(),
                   table(("example k", "x^(k)", "y^(k)"), rows, caption="the batch X, Y (one example per row)"))


# name: (title of the note with its author, description, Network arguments, X, Y)
_SPECS = {
    "gradients": (
        '"Backpropagation of Gradients"',
        "3-4-2 sigmoid network, C = ½‖a − t‖²",
        dict(sizes=[3, 4, 2], activation="sigmoid", loss="half_sse"),
        [[0.5, -0.2, 0.1], [0.9, 0.4, -0.6], [-0.3, 0.8, 0.2], [0.1, 0.1, 0.7]],
        [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]],
    ),
    "tong-wu": (
        '"Backpropagation Derivation for a Two-Layer Neural Network", Tong Wu',
        "2-3-2 network, hidden σ = sigmoid, output f = sigmoid, L = ½‖y − ŷ‖²",
        dict(sizes=[2, 3, 2], activation="sigmoid", output="sigmoid", loss="half_sse"),
        [[1.0, -1.0], [0.5, 0.5], [-0.4, 0.9], [0.2, -0.7]],
        [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]],
    ),
    "alsup": (
        '"Two-Layer Neural Network Gradient Derivation", Terrence Alsup',
        "2-3-1 ReLU network with identity output, ℓ = (1/n) Σ ‖f(x_i) − y_i‖²",
        dict(sizes=[2, 3, 1], activation="relu", output="identity", loss="sse"),
        [[1.0, 2.0], [-1.0, 0.5], [0.3, -0.8], [1.5, -0.5]],
        [[1.0], [0.0], [-0.5], [2.0]],
    ),
    "some-notes": (
        '"Some Notes on Backpropagation" (Introductory Machine Learning)',
        "2-4-3 ReLU network, softmax output, log-loss −log p(y|x)",
        dict(sizes=[2, 4, 3], activation="relu", loss="cross_entropy"),
        [[1.0, 0.5], [-0.5, 1.0], [0.2, -1.0], [0.8, 0.8]],
        [2, 0, 1, 2],
    ),
    "van-vaerenbergh": (
        '"Derivation of the Backpropagation Algorithm", Steven Van Vaerenbergh',
        "3-4-3-2 sigmoid network, J = ½‖h(x) − y‖², weight decay λ = 0.01",
        dict(sizes=[3, 4, 3, 2], activation="sigmoid", loss="half_sse", weight_decay=0.01),
        [[0.2, -0.4, 0.6], [1.0, 0.0, -1.0], [-0.5, 0.5, 0.5], [0.3, 0.9, -0.2]],
        [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [1.0, 1.0]],
    ),
}
DEFAULT = "gradients"
NAMES = tuple(_SPECS)


def example(name: str = DEFAULT, seed: int = 1) -> Example:
    """The network of one source note (see ``NAMES``), with two-decimal weights and one-decimal biases."""
    if not isinstance(name, str) or name not in _SPECS:
        raise ValueError(f"example: unknown example {excerpt(name)}{did_you_mean(name, NAMES)}; valid names are "
                         f"{', '.join(NAMES)}")
    title, description, kwargs, X, Y = _SPECS[name]
    net = Network(seed=seed, **kwargs)
    rng = np.random.default_rng(seed + 1000)
    for l in range(1, net.n_layers):
        net.set_weights(l, np.round(net.weights(l), 2))
        net.set_biases(l, np.round(rng.uniform(-0.5, 0.5, net.sizes[l]), 1))
    return Example(name, title, description, net, np.array(X, dtype=float), np.array(Y))
