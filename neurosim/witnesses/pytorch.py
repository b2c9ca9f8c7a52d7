"""The way out to PyTorch: a Network as a ``torch.nn.Sequential`` and back, with the matching loss.

``to_torch(net)`` gives one float64 ``nn.Linear`` per W^(l) — ``Linear.weight`` is W^(l) as it is, rows =
target neurons i, columns = source neurons j, exactly Van Vaerenbergh's W_ij^(l) — and ``Linear.bias`` is
b^(l), each followed by its layer's activation module. Two choices keep the torch network the same function:

* a loss paired with its output activation (softmax + cross_entropy, sigmoid + binary_cross_entropy) leaves
  the output activation out: the Sequential ends in the logits z^(n_l), and ``torch_loss`` takes logits, as
  ``nn.CrossEntropyLoss`` and ``nn.BCEWithLogitsLoss`` do (neurosim computes these losses from z too);
* softplus exports :class:`ExactSoftplus`, neurosim's own formula max(z, 0) + log1p(e^(−|z|)) for every z:
  ``torch.nn.Softplus`` returns z itself above its threshold of 20.

A pruned connection (an edge removed from ``net.graph``) exports as a 0 weight plus the 0/1 mask M^(l) of
``torch.nn.utils.prune.custom_from_mask``: the Linear then holds ``weight_orig`` (the trainable parameter) and
the buffer ``weight_mask``, and computes ``weight = weight_orig * weight_mask``, so torch training keeps the
pruned weights at exactly 0. ``from_torch`` reads such masks back as removed edges.

torch is an optional extra: it is imported inside these functions only, and a missing torch is an
ImportError saying ``pip install "neurosim[torch]"``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from ..core.activations import LEAKY_SLOPE, is_builtin
from ..core.losses import LOSSES
from ..core.network import Network
from ..core.validation import check_number

INSTALL = 'pip install "neurosim[torch]"'
CPU_HINT = "pip install torch --index-url https://download.pytorch.org/whl/cpu"


def import_torch():
    """``import torch``, or an ImportError that says how to install it."""
    try:
        import torch
    except ImportError as exc:
        raise ImportError(f"the PyTorch bridge needs torch, which is not installed: {INSTALL} "
                          f"(for the small CPU-only build first run: {CPU_HINT})") from exc
    return torch


@functools.cache
def _classes() -> dict[str, type]:
    """The torch modules neurosim exports, defined on first use so that importing neurosim never imports torch."""
    torch = import_torch()
    F = torch.nn.functional

    class ExactSoftplus(torch.nn.Module):
        """f(z) = max(z, 0) + log1p(e^(−|z|)), neurosim's softplus at every z (no threshold), f′(z) = σ(z).

        Written with two branches whose inputs never overflow, so that autograd's f′ is right everywhere,
        σ(0) = ½ at the seam included.
        """

        def forward(self, z):
            positive = z > 0
            zero = torch.zeros_like(z)
            z_pos = torch.where(positive, z, zero)
            z_neg = torch.where(positive, zero, z)
            return torch.where(positive, z_pos + torch.log1p(torch.exp(-z_pos)), torch.log1p(torch.exp(z_neg)))

    class Loss(torch.nn.Module):
        """J(W,b) of eq. 6 in torch: (1/m) Σ_k J(W,b; x^(k), y^(k)) + (λ/2) Σ_l Σ_ij (W_ij^(l))².

        ``loss(output, target)``: ``output`` is what the exported Sequential returns (logits for cross_entropy
        and binary_cross_entropy), one example per row; ``target`` as in neurosim (class labels or one-hot
        rows for cross_entropy). The λ term sums the weights (not the biases) of ``model``'s Linear layers.
        """

        def __init__(self, name: str, weight_decay: float = 0.0, model=None):
            super().__init__()
            self.name = name
            self.weight_decay = weight_decay
            self.__dict__["model"] = model   # a reference, not a submodule: its parameters stay the model's

        def data_term(self, output, target):
            """(1/m) Σ_k J(W,b; x^(k), y^(k)), the per-example loss summed over the outputs, averaged over rows."""
            if self.name == "cross_entropy":
                if target.dim() == output.dim() - 1:    # class labels 0 … K−1, one per row
                    if torch.is_floating_point(target) and not torch.equal(target, target.round()):
                        raise ValueError("target: class labels must be whole numbers 0 … K−1")
                    return F.cross_entropy(output, target.long())
                return F.cross_entropy(output, target.to(output.dtype))   # one-hot rows
            target = target.to(output.dtype)
            if target.dim() == output.dim() - 1 and output.shape[-1] == 1:
                target = target.unsqueeze(-1)    # one label per row for one output neuron, as neurosim takes it
            if target.shape != output.shape:
                raise ValueError(f"target: expected shape {tuple(output.shape)} like the output, "
                                 f"got {tuple(target.shape)}")
            if self.name == "binary_cross_entropy":
                per_output = F.binary_cross_entropy_with_logits(output, target, reduction="none")
            else:
                per_output = (output - target) ** 2 * (0.5 if self.name == "half_sse" else 1.0)
            return per_output.sum(dim=-1).mean()

        def decay(self):
            """(λ/2) Σ_l Σ_ij (W_ij^(l))² over the model's Linear weights (pruned ones are 0)."""
            if not self.weight_decay:
                return 0.0
            return 0.5 * self.weight_decay * sum((effective_weight(m) ** 2).sum() for m in self.model.modules()
                                                 if isinstance(m, torch.nn.Linear))

        def forward(self, output, target):
            return self.data_term(output, target) + self.decay()

        def extra_repr(self) -> str:
            return f"loss={self.name!r}, weight_decay={self.weight_decay:g}"

    for cls in (ExactSoftplus, Loss):
        # Module-level names (see __getattr__ below), so that torch.save of a whole model can find them.
        cls.__module__, cls.__qualname__ = __name__, cls.__name__
    return {"ExactSoftplus": ExactSoftplus, "Loss": Loss}


def __getattr__(name: str):
    # ``neurosim.witnesses.pytorch.ExactSoftplus`` and ``.Loss`` exist once torch is importable.
    if name in ("ExactSoftplus", "Loss"):
        import_torch()
        return _classes()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def effective_weight(linear):
    """The weight a Linear multiplies with: ``weight_orig * weight_mask`` when pruned (the ``weight`` attribute
    is refreshed only by the next forward pass), else ``weight``."""
    if hasattr(linear, "weight_orig") and hasattr(linear, "weight_mask"):
        return linear.weight_orig * linear.weight_mask
    return linear.weight


def weight_parameter(linear):
    """The trainable tensor behind W^(l): ``weight_orig`` when pruned, else ``weight``."""
    return linear.weight_orig if hasattr(linear, "weight_orig") else linear.weight


def check_exportable(net: Network) -> None:
    """A ValueError naming the first activation that has no torch twin (a user's own ns.Activation)."""
    if not isinstance(net, Network):
        raise TypeError(f"net: expected an ns.Network, got {type(net).__name__}")
    for l, act in enumerate(net.activations, start=2):
        if not is_builtin(act):
            raise ValueError(
                f"activation {act.name!r} of layer {l} is your own ns.Activation: it has no torch twin, and neurosim "
                "will not guess one from its f and f′. Use a built-in activation "
                f"({', '.join(n for n in _TO_TORCH)}), or export the rest yourself.")


# neurosim's activation name -> a function making its torch module.
_TO_TORCH = {
    "sigmoid": lambda nn: nn.Sigmoid(),
    "tanh": lambda nn: nn.Tanh(),
    "relu": lambda nn: nn.ReLU(),
    "leaky_relu": lambda nn: nn.LeakyReLU(LEAKY_SLOPE),
    "softplus": lambda nn: _classes()["ExactSoftplus"](),
    "identity": lambda nn: nn.Identity(),
}


def to_torch(net: Network):
    """A float64 ``torch.nn.Sequential`` computing the same function with the same weights and activations.

    Layer l → ``nn.Linear(s_l, s_{l+1})`` with ``weight`` = W^(l) (shape (s_{l+1}, s_l), row i = target
    neuron i) and ``bias`` = b^(l), then the activation of layer l + 1. With cross_entropy or
    binary_cross_entropy the last activation is left out: the Sequential returns the logits z^(n_l)
    (``torch.softmax(model(x), -1)`` or ``torch.sigmoid(model(x))`` are the probabilities). Pruned
    connections: 0 weights under a ``torch.nn.utils.prune`` mask. A user's own ns.Activation: ValueError.
    """
    torch = import_torch()
    check_exportable(net)
    from torch.nn.utils import prune

    modules = []
    for l in range(1, net.n_layers):
        linear = torch.nn.Linear(net.sizes[l - 1], net.sizes[l], dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(net.weights(l)))
            linear.bias.copy_(torch.from_numpy(net.biases(l)))
        mask = net.mask(l)
        if not mask.all():
            prune.custom_from_mask(linear, "weight", torch.from_numpy(mask.astype(np.float64)))
        modules.append(linear)
        last = l == net.n_layers - 1
        if not (last and net.loss.paired_output):
            modules.append(_TO_TORCH[net.activations[l - 1].name](torch.nn))
    return torch.nn.Sequential(*modules)


def torch_loss(net: Network, model=None):
    """The torch loss matching ``net.loss`` and λ: ``loss_fn(model(X), Y)`` is ``net.cost(X, Y)`` (eq. 6).

    ``model`` is the torch network whose Linear weights the λ term decays (needed when
    ``net.weight_decay`` > 0, usually ``to_torch(net)``). For cross_entropy and binary_cross_entropy the
    loss takes logits, like the Sequential of :func:`to_torch` returns.
    """
    torch = import_torch()
    if not isinstance(net, Network):
        raise TypeError(f"net: expected an ns.Network, got {type(net).__name__}")
    if model is not None and not isinstance(model, torch.nn.Module):
        raise TypeError(f"model: expected None or a torch.nn.Module, got {type(model).__name__}")
    if net.weight_decay and model is None:
        raise ValueError(f"model: the network has weight_decay λ = {net.weight_decay:g}, and the λ term needs the "
                         "torch model whose weights it decays: torch_loss(net, model)")
    return _classes()["Loss"](net.loss.name, net.weight_decay, model)


def _activation_name(module, nn, position: int, is_last: bool) -> str:
    """neurosim's name for a torch activation module, or a ValueError naming the layer."""
    where = f"module[{position}] ({module!r})"
    if isinstance(module, _classes()["ExactSoftplus"]):
        return "softplus"
    simple = {nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.ReLU: "relu", nn.Identity: "identity"}
    for kind, name in simple.items():
        if type(module) is kind:
            return name
    if type(module) is nn.LeakyReLU:
        if module.negative_slope != LEAKY_SLOPE:
            raise ValueError(f"{where}: neurosim's leaky_relu has slope {LEAKY_SLOPE} for z ≤ 0, this one "
                             f"{module.negative_slope}")
        return "leaky_relu"
    if type(module) is nn.Softplus:
        if module.beta != 1:
            raise ValueError(f"{where}: neurosim's softplus is log(1 + e^z), beta = 1; this one has "
                             f"beta = {module.beta}")
        return "softplus"   # the exact formula: differs from torch's above its threshold by < log1p(e^−threshold)
    if type(module) is nn.Softmax:
        if not is_last or module.dim not in (-1, 1):
            raise ValueError(f"{where}: softmax is allowed only as the last module, over the outputs (dim=-1 or 1)")
        return "softmax"
    supported = "Linear, Sigmoid, Tanh, ReLU, LeakyReLU(0.01), Softplus(beta=1), Identity, Softmax (last only)"
    raise ValueError(f"{where}: neurosim cannot map this module; an importable Sequential alternates Linear layers "
                     f"with at most one activation each, from: {supported}")


def _loss_spec(loss, weight_decay) -> tuple[str | None, float]:
    """The loss name and λ from ``loss`` (None, a neurosim name, or the module of :func:`torch_loss`)."""
    weight_decay = check_number(weight_decay, "weight_decay")
    if loss is None or isinstance(loss, str):
        if isinstance(loss, str) and loss.lower() not in LOSSES:
            raise ValueError(f"loss: unknown loss {loss!r}; valid names are {', '.join(map(repr, LOSSES))}")
        return (loss.lower() if loss else None), weight_decay
    if isinstance(loss, _classes()["Loss"]):
        if weight_decay and weight_decay != loss.weight_decay:
            raise ValueError(f"weight_decay: {weight_decay:g} differs from the λ = {loss.weight_decay:g} of loss")
        return loss.name, loss.weight_decay
    raise TypeError(f"loss: expected None, a loss name or the module of ns.torch_loss, got {type(loss).__name__}")


def from_torch(module, loss=None, weight_decay: float = 0.0) -> Network:
    """A Network from an ``nn.Sequential`` of Linear layers, each followed by at most one supported activation.

    ``loss`` is a neurosim loss name (or the module of :func:`torch_loss`, which brings its λ). A Sequential
    that ends in a Linear ends in logits: with ``loss="cross_entropy"`` it comes back with a softmax output,
    with ``"binary_cross_entropy"`` with a sigmoid output, otherwise with an identity output. One ending in
    Softmax is a cross_entropy network. Weights are copied as float64 (exactly, from float32 too); a
    ``torch.nn.utils.prune`` mask becomes removed edges; a Linear without bias gets biases 0 (trainable).
    """
    torch = import_torch()
    nn = torch.nn
    if not isinstance(module, nn.Sequential):
        raise TypeError(f"module: expected a torch.nn.Sequential, got {type(module).__name__}")
    name, lam = _loss_spec(loss, weight_decay)
    children = list(module)
    layers: list[dict[str, Any]] = []      # per Linear: W, b, mask, activation name (None: none followed)
    for position, child in enumerate(children):
        if isinstance(child, nn.Linear):
            if layers and layers[-1]["W"].shape[0] != child.in_features:
                raise ValueError(f"module[{position}] ({child!r}): takes {child.in_features} inputs, but the layer "
                                 f"before gives {layers[-1]['W'].shape[0]}")
            layers.append(_read_linear(child, position, torch))
            continue
        if not layers:
            raise ValueError(f"module[{position}] ({child!r}): a Sequential must start with an nn.Linear")
        if layers[-1]["activation"] is not None:
            raise ValueError(f"module[{position}] ({child!r}): a second activation after one Linear; neurosim "
                             "neurons apply one activation f each")
        layers[-1]["activation"] = _activation_name(child, nn, position, position == len(children) - 1)
    if not layers:
        raise ValueError("module: the Sequential has no nn.Linear layer")

    out = layers[-1]["activation"]
    if out == "softmax" and name is None:
        name = "cross_entropy"
    if out is None:   # ends in logits: the paired output activation, else the identity
        out = {"cross_entropy": "softmax", "binary_cross_entropy": "sigmoid"}.get(name, "identity")
    sizes = [layers[0]["W"].shape[1]] + [layer["W"].shape[0] for layer in layers]
    hidden = [layer["activation"] or "identity" for layer in layers[:-1]]
    net = Network(sizes, activation=hidden, output=out, loss=name or "half_sse", weight_decay=lam)
    for l, layer in enumerate(layers, start=1):
        for i, j in np.argwhere(~layer["mask"]) + 1:
            net.prune(l, int(i), int(j))
        net.set_weights(l, np.where(layer["mask"], layer["W"], 0.0))
        net.set_biases(l, layer["b"])
    return net


def _read_linear(linear, position: int, torch) -> dict[str, Any]:
    """W^(l), b^(l) and the mask of one Linear, as float64 numpy arrays."""
    def as_numpy(t) -> np.ndarray:
        return t.detach().to("cpu", torch.float64).numpy().copy()

    W = as_numpy(effective_weight(linear))
    mask = np.ones(W.shape, dtype=bool)
    if hasattr(linear, "weight_mask"):
        M = as_numpy(linear.weight_mask)
        if not np.all((M == 0) | (M == 1)):
            raise ValueError(f"module[{position}] ({linear!r}): its weight_mask holds values other than 0 and 1")
        mask = M == 1
    b = np.zeros(W.shape[0]) if linear.bias is None else as_numpy(linear.bias)
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
        raise ValueError(f"module[{position}] ({linear!r}): its weights or biases are not all finite")
    return {"W": W, "b": b, "mask": mask, "activation": None}
