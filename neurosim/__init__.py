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
from .witnesses.autograd import TorchReport, compare_torch
from .witnesses.pytorch import from_torch, to_torch, torch_loss

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
    "TorchReport",
    "__version__",
    "animate",
    "compare",
    "compare_torch",
    "datasets",
    "draw",
    "example",
    "examples",
    "from_torch",
    "gradient_check",
    "paths",
    "plot",
    "to_torch",
    "torch_loss",
    "trace",
]
