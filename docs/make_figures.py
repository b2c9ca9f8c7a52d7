"""Generate every figure that the pages of docs/ show: ``python docs/make_figures.py [--out DIR]``.

Headless (matplotlib's Agg canvas); small PNGs at 100 dpi. The default output folder is docs/figures/, where
the committed copies live. Each figure is built from the same networks and data as the page that shows it,
so a figure never disagrees with the numbers quoted next to it:

* ``network_deltas.png`` — the 3-4-2 sigmoid network of the tutorial (seed 1, x = (0.5, −0.2, 0.1),
  y = (1, 0)), each neuron filled by its δ_i^(l) (tutorial.md, index.md);
* ``loss_curve.png`` — J(W,b) per epoch of the [2, 3, 1] XOR network of the tutorial (tutorial.md);
* ``slip_eq13.png`` — for every weight of W^(1) of that 3-4-2 network: the finite-difference ∂J/∂W_ij^(1)
  against δ_i a_j (right) and δ_i a_i (the slip of eq. 13) (slips.md);
* ``squared_error.png`` — the three squared-error conventions on the FAQ's 3-4-3 network: the same gradient up
  to the factors 1, 2 and 2/s_{n_l} (faq.md).
"""

from __future__ import annotations

import argparse
import os
import threading
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import neurosim as ns  # noqa: E402

HERE = Path(__file__).resolve().parent
DPI = 100

# The tutorial's network and example (tutorial.md, sections 2-4).
SIZES, SEED = [3, 4, 2], 1
X_ONE, Y_ONE = np.array([0.5, -0.2, 0.1]), np.array([1.0, 0.0])


def tutorial_net() -> ns.Network:
    return ns.Network(SIZES, activation="sigmoid", loss="half_sse", seed=SEED)


def network_deltas(out: Path) -> Path:
    """The 3-4-2 network drawn with every neuron's δ (ns.draw when the package has it)."""
    net = tutorial_net()
    try:
        from neurosim.views.drawing import draw
    except ImportError:   # the drawing module is optional for this script: fall back to plain matplotlib
        draw = None
    if draw is not None:
        fig = draw(net, show="delta", x=X_ONE, y=Y_ONE, figsize=(8.0, 5.5), dpi=DPI,
                   title=r"$\delta_i^{(l)} = \partial J / \partial z_i^{(l)}$ of every neuron: 3-4-2 sigmoid "
                         "network, x = (0.5, −0.2, 0.1), y = (1, 0)")
    else:
        fig = _plain_network_figure(net)
    path = out / "network_deltas.png"
    fig.savefig(path, dpi=DPI)
    return path


def _plain_network_figure(net: ns.Network) -> Figure:
    net.forward(X_ONE)
    net.backward(Y_ONE)
    fig = Figure(figsize=(8.0, 5.5), dpi=DPI)
    ax = fig.add_subplot()
    pos = {(l, i): (l - 1, (s + 1) / 2 - i) for l, s in enumerate(net.sizes, 1) for i in range(1, s + 1)}
    for l in range(1, net.n_layers):
        for c in net.connections(l):
            (x0, y0), (x1, y1) = pos[c.source.key], pos[c.target.key]
            ax.plot([x0, x1], [y0, y1], color="tab:red" if c.weight > 0 else "tab:blue", lw=0.5 + 3 * abs(c.weight),
                    alpha=0.6, zorder=1)
    deltas = [n.delta for l in range(2, net.n_layers + 1) for n in net.layer(l)]
    vmax = max(abs(d) for d in deltas)
    for (l, i), (px, py) in pos.items():
        n = net.neuron(l, i)
        ax.scatter([px], [py], s=1800, c=[0.0 if n.delta is None else n.delta], cmap="RdBu_r", vmin=-vmax,
                   vmax=vmax, edgecolors="black", zorder=2)
        label = f"x_{i}" if l == 1 else f"δ_{i}^({l})\n{n.delta:.3g}"
        ax.text(px, py, label, ha="center", va="center", fontsize=8, zorder=3)
    ax.set_axis_off()
    ax.set_title("δ of every neuron: 3-4-2 sigmoid network")
    return fig


def xor_history() -> list[float]:
    """The tutorial's XOR training run (tutorial.md, section 8)."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    Y = np.array([[0], [1], [1], [0]], dtype=float)
    net = ns.Network([2, 3, 1], activation="sigmoid", seed=1)
    return net.fit(X, Y, epochs=2000, lr=2.0, progress=False)


def loss_curve(out: Path) -> Path:
    """J(W,b) per epoch of the tutorial's XOR run, drawn by ``ns.plot.loss_curve``."""
    history = xor_history()
    fig = Figure(figsize=(6.4, 4.0), dpi=DPI)
    ax = fig.add_subplot()
    ns.plot.loss_curve(history, ax=ax, log=True,
                       title="XOR, [2, 3, 1] sigmoid network, full-batch gradient descent, α = 2")
    fig.tight_layout()
    path = out / "loss_curve.png"
    fig.savefig(path, dpi=DPI)
    return path


def slip_eq13_values() -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Labels W_ij^(1) and, for each, the central difference of J, δ_i^(2) a_j^(1) and δ_i^(2) a_i^(1)."""
    net = tutorial_net()
    X, Y = X_ONE[None, :], Y_ONE[None, :]
    net.forward(X_ONE)
    net.backward(Y_ONE)
    eps = 1e-6
    labels, numeric, right, slip = [], [], [], []
    W = net.weights(1)
    for i in range(1, SIZES[1] + 1):
        for j in range(1, SIZES[0] + 1):
            if i > SIZES[0]:   # a_i^(1) only exists for i ≤ s_1: the slip cannot even be evaluated there
                continue
            up, down = W.copy(), W.copy()
            up[i - 1, j - 1] += eps
            down[i - 1, j - 1] -= eps
            costs = []
            for M in (up, down):
                net.set_weights(1, M)
                costs.append(net.cost(X, Y))
            net.set_weights(1, W)
            labels.append(f"W_{i}{j}")
            numeric.append((costs[0] - costs[1]) / (2 * eps))
            net.forward(X_ONE)
            net.backward(Y_ONE)
            right.append(net.neuron(2, i).delta * net.neuron(1, j).a)
            slip.append(net.neuron(2, i).delta * net.neuron(1, i).a)
    return labels, np.array(numeric), np.array(right), np.array(slip)


def slip_eq13(out: Path) -> Path:
    labels, numeric, right, slip = slip_eq13_values()
    fig = Figure(figsize=(7.5, 4.0), dpi=DPI)
    ax = fig.add_subplot()
    k = np.arange(len(labels))
    ax.bar(k - 0.27, numeric, 0.27, label="finite difference of J", color="0.4")
    ax.bar(k, right, 0.27, label=r"$\delta_i^{(2)} a_j^{(1)}$  (right)", color="tab:green")
    ax.bar(k + 0.27, slip, 0.27, label=r"$\delta_i^{(2)} a_i^{(1)}$  (eq. 13 as printed)", color="tab:red")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xticks(k, [f"$W_{{{s[2:]}}}^{{(1)}}$" for s in labels], fontsize=9)
    ax.set_ylabel(r"$\partial J / \partial W_{ij}^{(1)}$")
    ax.set_title(r"Eq. 13 of Van Vaerenbergh's note: $\partial z_i^{(l+1)} / \partial W_{ij}^{(l)}$ is "
                 r"$a_j^{(l)}$, not $a_i^{(l)}$", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = out / "slip_eq13.png"
    fig.savefig(path, dpi=DPI)
    return path


# The FAQ's network for the squared-error conventions (faq.md): three outputs, so that the three factors differ.
FAQ_SIZES = [3, 4, 3]
FAQ_X, FAQ_Y = np.array([0.5, -0.2, 0.1]), np.array([1.0, 0.0, 0.5])


def squared_error_gradients() -> dict[str, np.ndarray]:
    """∂J/∂W^(2) of the FAQ's 3-4-3 network under the three squared-error conventions.

    ``mse_mean`` is PyTorch's MSELoss (mean over the s_{n_l} outputs) = sse / s_{n_l}: neurosim has no loss of
    that name, so its gradient is sse's divided by s_{n_l} (the FAQ checks it against finite differences).
    """
    grads = {}
    for loss in ("half_sse", "sse"):
        net = ns.Network(FAQ_SIZES, activation="sigmoid", loss=loss, seed=SEED)
        grads[loss] = net.gradients(FAQ_X[None, :], FAQ_Y[None, :])[1][0]
    grads["mse_mean"] = grads["sse"] / FAQ_SIZES[-1]
    return grads


def squared_error(out: Path) -> Path:
    grads = squared_error_gradients()
    fig = Figure(figsize=(7.0, 4.0), dpi=DPI)
    ax = fig.add_subplot()
    names = [("half_sse", "½‖a − y‖², half_sse  (factor 1)"), ("sse", "‖a − y‖², sse, Alsup  (factor 2)"),
             ("mse_mean", "mean over the 3 outputs, PyTorch MSELoss  (factor 2/3)")]
    flat = {k: v.ravel() for k, v in grads.items()}
    k = np.arange(flat["half_sse"].size)
    for n, (key, label) in enumerate(names):
        ax.bar(k + (n - 1) * 0.27, flat[key], 0.27, label=label)
    ax.axhline(0, color="black", lw=0.6)
    ticks = [f"$W_{{{i}{j}}}^{{(2)}}$" for i in range(1, FAQ_SIZES[2] + 1) for j in range(1, FAQ_SIZES[1] + 1)]
    ax.set_xticks(k, ticks, fontsize=9)
    ax.set_ylabel(r"$\partial J / \partial W_{ij}^{(2)}$")
    ax.set_title("Same network, same example: the three squared errors differ by a constant factor", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = out / "squared_error.png"
    fig.savefig(path, dpi=DPI)
    return path


def backprop_gif(out: Path) -> Path:
    """The README's picture: the backward pass of the default example (`neurosim animate --phases backward`)."""
    from neurosim.views.animation import animate, save

    ex = ns.example()
    return save(animate(ex.net, ex.x, ex.y, phases=("backward",), dpi=80), out / "backprop.gif", progress=False)


def explorer_screenshot(out: Path) -> Path | None:
    """docs/explorer.md's picture: the explorer page of the default example in Chromium, at a backward step with
    neuron (2, 1) selected. Needs Debian's Chromium and playwright (as the browser tests); without them it is
    skipped with a message, except under CI=true."""
    import os

    from neurosim.views.explorer import explore

    chromium = os.environ.get("NEUROSIM_CHROMIUM", "/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not os.path.exists(chromium):
        if os.environ.get("CI") == "true":
            raise RuntimeError("explorer.png needs playwright and Chromium (apt-get install chromium)")
        print("skipped explorer.png: needs `pip install playwright` and `apt-get install chromium`")
        return None
    ex = ns.example()
    page_file = out / "explorer.html"
    explore(ex.net, ex.x, ex.y, title="neurosim explore: the 3-4-2 network of the tutorial").save(page_file)
    path = out / "explorer.png"
    # In a thread of its own: playwright's synchronous API refuses to start where another instance (a test
    # session's browser, say) already runs an event loop.
    failure: list[BaseException] = []

    def shoot() -> None:
        try:
            _screenshot(sync_playwright, chromium, page_file, path)
        except BaseException as exc:   # re-raised below, in the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=shoot)
    worker.start()
    worker.join()
    page_file.unlink()
    if failure:
        raise failure[0]
    return path


def _screenshot(sync_playwright, chromium: str, page_file: Path, path: Path) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True,
                                     args=["--no-sandbox", "--disable-background-networking",
                                           "--disable-component-update", "--headless"])
        page = browser.new_page(viewport={"width": 1180, "height": 760}, color_scheme="light",
                                reduced_motion="reduce")
        page.goto(page_file.resolve().as_uri())
        page.evaluate("() => { const ex = document.querySelector('[data-neurosim-explorer]').explorer; "
                      "ex.goto(14); ex.select(2, 1); }")
        page.locator("[data-neurosim-explorer]").screenshot(path=str(path))
        browser.close()


FIGURES = (network_deltas, loss_curve, slip_eq13, squared_error, backprop_gif, explorer_screenshot)
BROWSER_FIGURES = {"explorer.png"}   # skipped (with a message) where Chromium is missing, except under CI


def main(argv: list[str] | None = None) -> list[Path]:
    """Write every figure into ``--out`` (default docs/figures/); returns their paths."""
    parser = argparse.ArgumentParser(prog="make_figures.py", description="Generate the figures of docs/.")
    parser.add_argument("--out", type=Path, default=HERE / "figures", help="output folder (default: docs/figures)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    for make in FIGURES:
        path = make(args.out)
        if path is None:
            continue
        print(f"wrote {path}")
        written.append(path)
    return written


if __name__ == "__main__":
    main()
