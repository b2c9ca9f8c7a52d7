"""neurosim: backpropagation one neuron at a time.

Every neuron is a :class:`Neuron`, every weight a :class:`Connection`, held in a networkx graph in
Van Vaerenbergh's indexing (W_ij^(l) runs from neuron j of layer l to neuron i of layer l + 1).
"""

__version__ = "0.1.0"

from . import datasets, examples, plot
from .activations import Activation
from .animate import animate
from .draw import draw
from .equivalence import EquivalenceReport, compare
from .examples import example
from .gradcheck import GradientCheckReport, gradient_check
from .graph import Connection, Neuron
from .losses import Loss
from .matrix import MatrixNetwork
from .network import Network
from .paths import paths
from .quiz import Quiz
from .trace import Step, trace
from .training import DivergenceError

__all__ = [
    "Activation",
    "Connection",
    "DivergenceError",
    "EquivalenceReport",
    "GradientCheckReport",
    "Loss",
    "MatrixNetwork",
    "Network",
    "Neuron",
    "Quiz",
    "Step",
    "__version__",
    "animate",
    "compare",
    "datasets",
    "draw",
    "example",
    "examples",
    "gradient_check",
    "paths",
    "plot",
    "trace",
]
