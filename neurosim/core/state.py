"""A network's state as a JSON-ready dict, and the checks a dict must pass to become a network again.

The dict holds: ``format`` and ``version``, ``sizes``, ``activations`` (names of layers 2 … n_l),
``loss``, ``weight_decay``, ``weights`` (W^(1) … as nested lists, 0 where pruned), ``biases`` and
``pruned`` (the [l, i, j] of every removed connection W_ij^(l)), and, only when the network has one,
``standardizer`` (``{"mean": [...], "std": [...]}``, one entry per input; files without it still load).
Also optional: ``init`` (the scheme that drew the first weights; "auto" when absent) and ``optimizer`` (the
optimizer and every parameter's state: ``{"name": "adam", "beta1": …, "beta2": …, "eps": …, "state":
[{"weights": {"m": W-shaped, …}, "biases": {"m": …, …}}, …]}``, one entry per W^(l); absent when no optimizer
holds state). Files without them, written by earlier versions, load as before.
:meth:`Network.to_dict` and :meth:`Network.from_dict` use these functions; files are read and written by
:mod:`neurosim.base.files`. Nothing here imports :class:`Network` (the model calls down into this module,
never the reverse).
"""

from __future__ import annotations

import numpy as np

from ..base.limits import excerpt
from . import optimizers
from .activations import is_builtin
from .scaling import Standardizer

FORMAT = "neurosim.Network"
VERSION = 1
FIELDS = ("sizes", "activations", "loss", "weight_decay", "weights", "biases", "pruned")


def network_dict(net) -> dict:
    """The JSON-ready description of ``net``; a custom Activation, which has no name to save, is refused."""
    for l, act in enumerate(net.activations, start=2):
        if not is_builtin(act):
            raise ValueError(f"save: layer {l} uses the custom Activation {act.name!r}, which cannot be saved by name; "
                             "only built-in activations can be saved")
    params = net.parameters()
    for l, (W, b) in enumerate(params, start=1):
        if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
            raise ValueError(f"save: W^({l}) or b^({l}) holds NaN or inf; nothing was written")
    pruned = [[l, i + 1, j + 1] for l in range(1, net.n_layers) for i, j in np.argwhere(~net.mask(l)).tolist()]
    data = {
        "format": FORMAT,
        "version": VERSION,
        "sizes": net.sizes,
        "activations": [a.name for a in net.activations],
        "loss": net.loss.name,
        "weight_decay": net.weight_decay,
        "weights": [W.tolist() for W, _ in params],
        "biases": [b.tolist() for _, b in params],
        "pruned": pruned,
        "init": net.init,
        **_optimizer_dict(net),
    }
    scaler = getattr(net, "standardizer", None)
    if scaler is not None:
        if not isinstance(scaler, Standardizer) or scaler.mean.size != net.sizes[0]:
            raise ValueError(f"save: standardizer: expected an ns.Standardizer for {net.sizes[0]} inputs, "
                             f"got {scaler!r}")
        data["standardizer"] = scaler.to_dict()
    return data


def _optimizer_dict(net) -> dict:
    """``{"optimizer": {...}}`` when the parameters hold optimizer state, else nothing."""
    opt = net.optimizer
    if opt is None or not opt.state_names:
        return {}
    states = net.optimizer_state()
    for l, (sW, sb) in enumerate(states, start=1):
        if not all(np.all(np.isfinite(a)) for a in (*sW.values(), *sb.values())):
            raise ValueError(f"save: the optimizer state of W^({l}) or b^({l}) holds NaN or inf; nothing was written")
    return {"optimizer": {"name": opt.name, **opt.config(), "state": [
        {"weights": {k: a.tolist() for k, a in sW.items()}, "biases": {k: a.tolist() for k, a in sb.items()}}
        for sW, sb in states]}}


def malformed(source: str) -> str:
    """The opening of every error about a bad saved network."""
    return f"malformed neurosim file {source}:"


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise ValueError(message)


def read_header(data, source: str = "the data") -> dict:
    """Check the fields that describe the architecture and return them as ``Network`` keyword arguments
    (``sizes``, ``activation``, ``output``, ``loss``, ``weight_decay``)."""
    bad = malformed(source)
    _require(isinstance(data, dict), f"{bad} expected a JSON object, got {type(data).__name__}")
    _require(data.get("format") == FORMAT, f"{bad} 'format' should be {FORMAT!r}, got {excerpt(data.get('format'))}")
    _require(data.get("version") == VERSION,
             f"{bad} unsupported 'version' {excerpt(data.get('version'))} (expected {VERSION})")
    for key in FIELDS:
        _require(key in data, f"{bad} the field {key!r} is missing")
    sizes, acts = data["sizes"], data["activations"]
    _require(isinstance(sizes, list) and all(isinstance(s, int) and not isinstance(s, bool) for s in sizes),
             f"{bad} 'sizes' should be a list of whole numbers, got {excerpt(sizes)}")
    _require(isinstance(acts, list) and len(acts) == len(sizes) - 1 and all(isinstance(a, str) for a in acts),
             f"{bad} 'activations' should list {len(sizes) - 1} names (layers 2 … {len(sizes)}), got {excerpt(acts)}")
    return {"sizes": sizes, "activation": acts[:-1], "output": acts[-1], "loss": data["loss"],
            "weight_decay": data["weight_decay"], "init": data.get("init", "auto")}


def fill_parameters(net, data: dict, source: str = "the data") -> None:
    """Prune the connections listed in ``data["pruned"]`` and set every W^(l), b^(l) from ``data``."""
    bad = malformed(source)
    for key in ("weights", "biases"):
        _require(isinstance(data[key], list) and len(data[key]) == net.n_layers - 1,
                 f"{bad} {key!r} should hold {net.n_layers - 1} arrays, got {type(data[key]).__name__}"
                 f"{'' if not isinstance(data[key], list) else ' of length ' + str(len(data[key]))}")
    pruned = data["pruned"]
    _require(isinstance(pruned, list), f"{bad} 'pruned' should be a list of [l, i, j]")
    try:
        for entry in pruned:
            _require(isinstance(entry, list) and len(entry) == 3,
                     f"{bad} 'pruned' entry {excerpt(entry)} is not [l, i, j]")
            net.prune(*entry)
        for l in range(1, net.n_layers):
            net.set_weights(l, _array(data["weights"][l - 1], f"weights[{l - 1}]", bad))
            net.set_biases(l, _array(data["biases"][l - 1], f"biases[{l - 1}]", bad))
    except ValueError as exc:
        raise ValueError(str(exc) if str(exc).startswith(bad) else f"{bad} {exc}") from exc
    if data.get("optimizer") is not None:
        _fill_optimizer(net, data["optimizer"], bad)
    if data.get("standardizer") is not None:
        try:
            net.standardizer = Standardizer.from_dict(data["standardizer"])
        except ValueError as exc:
            raise ValueError(f"{bad} {exc}") from None
        _require(net.standardizer.mean.size == net.sizes[0],
                 f"{bad} 'standardizer' holds {net.standardizer.mean.size} columns for {net.sizes[0]} inputs")


def _fill_optimizer(net, data, bad: str) -> None:
    """Give every parameter its saved optimizer state (checked: shapes, finite numbers)."""
    _require(isinstance(data, dict), f"{bad} 'optimizer' should be an object, got {type(data).__name__}")
    opt = optimizers.from_config({k: v for k, v in data.items() if k != "state"}, bad)
    saved = data.get("state")
    _require(isinstance(saved, list) and len(saved) == net.n_layers - 1,
             f"{bad} 'optimizer'.'state' should hold one entry per W^(l) ({net.n_layers - 1})")
    states = []
    for l, entry in enumerate(saved, start=1):
        pair = []
        for part, shape in (("weights", (net.sizes[l], net.sizes[l - 1])), ("biases", (net.sizes[l],))):
            got = entry.get(part) if isinstance(entry, dict) else None
            where = f"'optimizer'.'state'[{l - 1}].{part!r}"
            _require(isinstance(got, dict) and set(got) == set(opt.state_names),
                     f"{bad} {where} should hold {', '.join(opt.state_names)}")
            arrays = {k: _array(got[k], f"{where}[{k!r}]", bad) for k in opt.state_names}
            for k, a in arrays.items():
                _require(a.shape == shape and bool(np.all(np.isfinite(a))),
                         f"{bad} {where}[{k!r}] should be finite numbers of shape {shape}, got shape {a.shape}")
            pair.append(arrays)
        states.append(tuple(pair))
    optimizers.scatter_state(net, opt, states)


def _array(value, name: str, bad: str) -> np.ndarray:
    try:
        return np.array(value, dtype=float)
    except OverflowError:
        raise ValueError(f"{bad} {name} holds a number too large for a float (beyond about 1.8e308)") from None
    except (TypeError, ValueError):
        raise ValueError(f"{bad} {name} is not a rectangular array of numbers") from None
