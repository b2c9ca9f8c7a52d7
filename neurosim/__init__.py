"""neurosim: backpropagation one neuron at a time.

Every neuron is a :class:`Neuron`, every weight a :class:`Connection`, held in a networkx graph in
Van Vaerenbergh's indexing (W_ij^(l) runs from neuron j of layer l to neuron i of layer l + 1).
"""

__version__ = "0.1.0"

from . import datasets, examples
from .activations import Activation
from .examples import example
from .graph import Connection, Neuron
from .losses import Loss
from .network import Network
from .training import DivergenceError

__all__ = [
    "Activation",
    "Connection",
    "DivergenceError",
    "Loss",
    "Network",
    "Neuron",
    "__version__",
    "datasets",
    "example",
    "examples",
]
