"""neurosim: backpropagation one neuron at a time.

Every neuron is a :class:`Neuron`, every weight a :class:`Connection`, held in a networkx graph in
Van Vaerenbergh's indexing (W_ij^(l) runs from neuron j of layer l to neuron i of layer l + 1).
"""

from .base.limits import LimitError
from .base.version import __version__
from .core.activations import Activation
from .core.graph import Connection, Neuron
from .core.history import History
from .core.losses import Loss
from .core.network import Network
from .core.optimizers import SGD, Adam, Momentum
from .core.recorder import Recorder
from .core.scaling import Standardizer
from .core.training import DivergenceError
from .data import datasets
from .explain import bridge, examples
from .explain.examples import example
from .explain.paths import paths
from .explain.quiz import Quiz
from .explain.trace import Step, Trace, trace
from .views import plot
from .views.animation import animate
from .views.drawing import draw
from .views.explorer import Explorer, explore
from .witnesses.autograd import TorchReport, compare_torch
from .witnesses.equivalence import EquivalenceReport, compare
from .witnesses.gradcheck import GradientCheckReport, gradient_check
from .witnesses.matrix import MatrixNetwork
from .witnesses.pytorch import from_torch, to_torch, torch_loss

__all__ = [
    "Activation",
    "Adam",
    "Connection",
    "DivergenceError",
    "EquivalenceReport",
    "Explorer",
    "GradientCheckReport",
    "History",
    "LimitError",
    "Loss",
    "MatrixNetwork",
    "Momentum",
    "Network",
    "Neuron",
    "Quiz",
    "Recorder",
    "SGD",
    "Standardizer",
    "Step",
    "TorchReport",
    "Trace",
    "__version__",
    "animate",
    "bridge",
    "compare",
    "compare_torch",
    "datasets",
    "draw",
    "example",
    "examples",
    "explore",
    "from_torch",
    "gradient_check",
    "paths",
    "plot",
    "to_torch",
    "torch_loss",
    "trace",
]
