"""The PyTorch bridge: exact round trips, the same forward pass, and torch autograd as a fourth witness.

Autograd's gradients are computed here from ``to_torch`` + ``torch_loss`` directly (not through
``compare_torch``), so that these tests check the export against neurosim's own backward pass.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neurosim as ns

from .optional import require

torch = require("torch", 'pip install "neurosim[torch]"')
torch.set_num_threads(1)   # tiny tensors: thread start-up would dominate

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "softplus", "identity"]
LOSSES = ["half_sse", "sse", "cross_entropy", "binary_cross_entropy"]
SETTINGS = dict(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def data(net, m, seed):
    """A batch for ``net``: inputs, and targets of the kind its loss takes."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.0, 2.0, (m, net.sizes[0]))
    if net.loss.name == "cross_entropy":
        return X, rng.integers(0, net.sizes[-1], m)
    if net.loss.name == "binary_cross_entropy":
        return X, rng.uniform(0.0, 1.0, (m, net.sizes[-1]))
    return X, rng.normal(0.0, 1.0, (m, net.sizes[-1]))


def targets(net, Y):
    """Y as neurosim compares it: one-hot rows for cross_entropy."""
    return net._check_data(np.zeros((len(Y), net.sizes[0])), Y)[1]


def make(sizes, hidden, loss, output=None, lam=0.0, prune=0.0, seed=0):
    net = ns.Network(sizes, activation=hidden, output=output, loss=loss, weight_decay=lam, seed=seed)
    rng = np.random.default_rng(seed + 1)
    for l in range(1, net.n_layers):
        net.set_biases(l, rng.normal(0.0, 0.5, sizes[l]))
        for i, j in np.argwhere(rng.random((sizes[l], sizes[l - 1])) < prune) + 1:
            net.prune(l, int(i), int(j))
    return net


def autograd(net, X, Y):
    """J and [(dW, db), ...] by torch autograd on the exported network."""
    model = ns.to_torch(net)
    out, T = model(torch.from_numpy(X)), torch.from_numpy(targets(net, Y))
    # J written here from plain torch pieces, not through ns.torch_loss, so the cost convention is witnessed too
    name, lam = net.loss.name, net.weight_decay
    if name in ("half_sse", "sse"):
        J = ((out - T) ** 2).sum(1).mean() * (0.5 if name == "half_sse" else 1.0)
    elif name == "cross_entropy":
        J = torch.nn.functional.cross_entropy(out, T.argmax(1))
    else:
        J = torch.nn.functional.binary_cross_entropy_with_logits(out, T, reduction="none").sum(1).mean()
    lins = [m for m in model if isinstance(m, torch.nn.Linear)]
    J = J + 0.5 * lam * sum((lin.weight ** 2).sum() for lin in lins)
    J.backward()
    grads = []
    for lin in (m for m in model if isinstance(m, torch.nn.Linear)):
        W = lin.weight_orig if hasattr(lin, "weight_orig") else lin.weight
        grads.append((W.grad.numpy(), lin.bias.grad.numpy()))
    return J.item(), grads


def probabilities(net, model, X):
    """The exported model's a^(n_l): the paired losses end in logits."""
    out = model(torch.from_numpy(X))
    if net.loss.name == "cross_entropy":
        out = torch.softmax(out, dim=-1)
    elif net.loss.name == "binary_cross_entropy":
        out = torch.sigmoid(out)
    return out.detach().numpy()


def assert_same_network(a, b):
    assert a.sizes == b.sizes
    assert [f.name for f in a.activations] == [f.name for f in b.activations]
    assert a.loss.name == b.loss.name and a.weight_decay == b.weight_decay
    for l in range(1, a.n_layers):
        assert np.array_equal(a.mask(l), b.mask(l))
        assert np.array_equal(a.weights(l), b.weights(l))     # exact: float64 all the way
        assert np.array_equal(a.biases(l), b.biases(l))


@st.composite
def cases(draw):
    n_layers = draw(st.integers(2, 4))
    sizes = draw(st.lists(st.integers(1, 5), min_size=n_layers, max_size=n_layers))
    hidden = draw(st.lists(st.sampled_from(HIDDEN), min_size=n_layers - 2, max_size=n_layers - 2))
    loss = draw(st.sampled_from(LOSSES))
    if loss == "cross_entropy":
        sizes[-1] = max(sizes[-1], 2)
    output = None if loss in ("cross_entropy", "binary_cross_entropy") else draw(st.sampled_from(HIDDEN))
    lam = draw(st.sampled_from([0.0, 0.1, 0.7]))
    prune = draw(st.sampled_from([0.0, 0.3]))
    seed = draw(st.integers(0, 2 ** 31 - 1))
    net = make(sizes, hidden, loss, output, lam, prune, seed)
    return (net, *data(net, draw(st.integers(1, 5)), seed))


@settings(**SETTINGS)
@given(cases())
def test_torch_forward_and_autograd_agree_with_neurosim_on_random_networks(case):
    net, X, Y = case
    model = ns.to_torch(net)
    np.testing.assert_allclose(probabilities(net, model, X), net.predict(X), rtol=1e-12, atol=1e-12)
    J, grads = autograd(net, X, Y)
    ours = net.gradients(X, Y)
    assert J == pytest.approx(net.cost(X, Y), rel=1e-12, abs=1e-12)
    for (dW, db), (tW, tb) in zip(ours, grads):
        np.testing.assert_allclose(tW, dW, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(tb, db, rtol=1e-10, atol=1e-12)
    assert_same_network(ns.from_torch(model, loss=net.loss.name, weight_decay=net.weight_decay), net)


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("loss", LOSSES)
def test_every_activation_and_loss_with_weight_decay(hidden, loss):
    output = hidden if loss in ("half_sse", "sse") else None
    net = make([3, 4, 3, 2], [hidden, "tanh"], loss, output, lam=0.3, seed=7)
    X, Y = data(net, 6, 3)
    J, grads = autograd(net, X, Y)
    assert J == pytest.approx(net.cost(X, Y), rel=1e-12)
    for (dW, db), (tW, tb) in zip(net.gradients(X, Y), grads):
        np.testing.assert_allclose(tW, dW, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(tb, db, rtol=1e-10, atol=1e-12)
    report = ns.compare_torch(net, X, Y)
    assert report.ok, str(report)
    assert len(report.rows) == 1 + sum(net.mask(l).sum() + net.sizes[l] for l in range(1, net.n_layers))


def test_export_is_linear_layers_with_w_as_is_and_logits_for_paired_losses():
    net = make([3, 4, 2], "relu", "cross_entropy", seed=2)
    model = ns.to_torch(net)
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear"]
    assert model[0].weight.dtype == torch.float64
    assert np.array_equal(model[0].weight.detach().numpy(), net.weights(1))   # rows = targets i, columns = j
    assert model[0].weight[1, 2].item() == net.connection(1, 2, 3).weight    # W_23^(1)
    assert np.array_equal(model[2].bias.detach().numpy(), net.biases(2))
    sse = ns.to_torch(make([2, 2], [], "half_sse", output="sigmoid"))
    assert type(sse[-1]).__name__ == "Sigmoid"


def test_softplus_exports_neurosim_s_exact_formula():
    net = ns.Network([1, 1], activation="softplus", loss="half_sse")
    net.set_weights(1, [[1.0]])
    X = np.array([[-30.0], [-1.0], [0.0], [0.5], [19.0], [25.0], [40.0]])
    model = ns.to_torch(net)
    assert type(model[-1]).__name__ == "ExactSoftplus"
    ours = net.predict(X)[:, 0]
    np.testing.assert_allclose(probabilities(net, model, X)[:, 0], ours, rtol=1e-12, atol=0)
    # torch's own Softplus returns z above its threshold 20, which is not neurosim's formula there:
    theirs = torch.nn.Softplus()(torch.from_numpy(X[:, 0])).numpy()
    assert theirs[-2] == 25.0 and abs(ours[-2] - 25.0) > 1e-12
    # autograd's f′ is σ(z) everywhere, ½ at the seam z = 0 included
    z = torch.tensor([-5.0, 0.0, 5.0], dtype=torch.float64, requires_grad=True)
    model[-1](z).sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), 1 / (1 + np.exp(-z.detach().numpy())), rtol=1e-15)


def test_round_trip_keeps_everything_with_the_loss_module_carrying_lambda():
    net = make([2, 3, 3, 4], ["leaky_relu", "softplus"], "cross_entropy", lam=0.25, prune=0.3, seed=5)
    model = ns.to_torch(net)
    assert_same_network(ns.from_torch(model, loss=ns.torch_loss(net, model)), net)
    with pytest.raises(ValueError, match="weight_decay: 0.5 differs"):
        ns.from_torch(model, loss=ns.torch_loss(net, model), weight_decay=0.5)


def test_pruned_connections_stay_pruned_through_torch_training_and_back():
    net = make([3, 5, 2], "tanh", "half_sse", output="sigmoid", lam=0.1, seed=4)
    for l, i, j in [(1, 1, 1), (1, 4, 2), (2, 2, 5)]:
        net.prune(l, i, j)
    X, Y = data(net, 8, 1)
    model = ns.to_torch(net)
    assert set(model.state_dict()) >= {"0.weight_orig", "0.weight_mask", "2.weight_mask"}
    assert torch.nn.utils.prune.is_pruned(model)
    loss_fn = ns.torch_loss(net, model)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    for _ in range(5):
        opt.zero_grad()
        loss_fn(model(Xt), Yt).backward()
        opt.step()
        net.step(X, Y, lr=0.5)        # the same gradient-descent step (eqs. 7–8) in neurosim
    back = ns.from_torch(model, loss="half_sse", weight_decay=0.1)
    assert back.graph.number_of_edges() == net.graph.number_of_edges() == 3 * 5 + 5 * 2 - 3
    for l in (1, 2):
        assert np.array_equal(back.mask(l), net.mask(l))
        assert np.all(back.weights(l)[~net.mask(l)] == 0)
        np.testing.assert_allclose(back.weights(l), net.weights(l), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(back.biases(l), net.biases(l), rtol=1e-12, atol=1e-14)


def test_a_user_s_own_activation_is_refused_by_name():
    swish = ns.Activation("swish", lambda z: z / (1 + np.exp(-z)),
                          lambda z: (1 + np.exp(-z) + z * np.exp(-z)) / (1 + np.exp(-z)) ** 2)
    net = ns.Network([2, 3, 1], activation=swish, output="identity")
    for call in (lambda: ns.to_torch(net), lambda: ns.compare_torch(net, np.ones((1, 2)), np.ones((1, 1)))):
        with pytest.raises(ValueError, match=r"activation 'swish' of layer 2 is your own ns.Activation"):
            call()


def test_compare_torch_finds_a_wrong_gradient_and_names_it(monkeypatch):
    net = make([2, 3, 2], "sigmoid", "sse", seed=1)
    X, Y = data(net, 4, 2)
    real = ns.Network.gradients

    def planted(self, X, Y):
        grads = real(self, X, Y)
        grads[0][0][2, 1] += 1e-7     # ∂J/∂W_32^(1)
        return grads

    monkeypatch.setattr(net, "gradients", planted.__get__(net))
    report = ns.compare_torch(net, X, Y)
    assert not report.ok and [r.symbol for r in report.mismatches] == ["∂J/∂W_32^(1)"]
    assert str(report).startswith("MISMATCH: ∂J/∂W_32^(1) differs")
    assert report.mismatches[0].difference == pytest.approx(-1e-7, rel=1e-6)
    page = report._repr_html_()          # in a notebook: the verdict first, the wrong row at the top
    assert page.index("MISMATCH") < page.index("W_32^(1) differs") < page.index("<table") < page.index("✗ differs")
    assert page.count("<tr") == 1 + report.html_rows


def test_torch_loss_matches_the_cost_and_takes_labels_or_one_hot_rows():
    net = make([3, 4, 3], "tanh", "cross_entropy", lam=0.2, seed=3)
    X, Y = data(net, 5, 0)
    model = ns.to_torch(net)
    loss_fn = ns.torch_loss(net, model)
    out = model(torch.from_numpy(X))
    by_label = loss_fn(out, torch.from_numpy(Y)).item()
    by_row = loss_fn(out, torch.from_numpy(targets(net, Y))).item()
    assert by_label == pytest.approx(net.cost(X, Y), rel=1e-13) and by_row == pytest.approx(by_label, rel=1e-13)
    assert loss_fn(out, torch.from_numpy(Y.astype(float))).item() == pytest.approx(by_label, rel=1e-13)
    with pytest.raises(ValueError, match="target: class labels must be whole numbers"):
        loss_fn(out, torch.full((5,), 0.5, dtype=torch.float64))
    assert "weight_decay=0.2" in repr(loss_fn)
    with pytest.raises(ValueError, match="model: the network has weight_decay"):
        ns.torch_loss(net)
    with pytest.raises(TypeError, match="model: expected None or a torch.nn.Module"):
        ns.torch_loss(net, "model")


def test_from_torch_reads_ordinary_torch_networks():
    nn = torch.nn
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 3), nn.Linear(3, 2), nn.Softmax(dim=-1))
    net = ns.from_torch(model)          # float32, a Linear straight after a Linear, ending in Softmax
    assert net.loss.name == "cross_entropy" and [f.name for f in net.activations] == ["tanh", "identity", "softmax"]
    assert np.array_equal(net.weights(1), model[0].weight.detach().double().numpy())
    X = np.random.default_rng(0).normal(size=(4, 2))
    np.testing.assert_allclose(net.predict(X), model.double()(torch.from_numpy(X)).detach().numpy(), rtol=1e-12)

    logits = nn.Sequential(nn.Linear(2, 1, bias=False), nn.Softplus())
    assert ns.from_torch(logits).activations[-1].name == "softplus"
    assert ns.from_torch(logits).biases(1).tolist() == [0.0]
    plain = nn.Sequential(nn.Linear(2, 4), nn.LeakyReLU(0.01), nn.Linear(4, 1))
    assert ns.from_torch(plain, loss="binary_cross_entropy").activations[-1].name == "sigmoid"
    assert ns.from_torch(plain).activations[-1].name == "identity"


@pytest.mark.parametrize("build, message", [
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.Dropout(), nn.Linear(3, 1)), r"module\[1\] \(Dropout"),
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Tanh()), r"module\[2\] .*second activation"),
    (lambda nn: nn.Sequential(nn.ReLU(), nn.Linear(2, 3)), r"module\[0\] .*must start with an nn.Linear"),
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.Linear(4, 1)), r"module\[1\] .*takes 4 inputs.*gives 3"),
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(0.2)), r"module\[1\] .*slope 0.01.*0.2"),
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.Softplus(beta=2)), r"module\[1\] .*beta = 2"),
    (lambda nn: nn.Sequential(nn.Linear(2, 3), nn.Softmax(dim=-1), nn.Linear(3, 2)), r"module\[1\] .*softmax"),
])
def test_from_torch_names_the_module_it_cannot_map(build, message):
    with pytest.raises(ValueError, match=message):
        ns.from_torch(build(torch.nn))


def test_from_torch_argument_errors():
    with pytest.raises(TypeError, match="module: expected a torch.nn.Sequential, got Linear"):
        ns.from_torch(torch.nn.Linear(2, 2))
    with pytest.raises(ValueError, match="loss: unknown loss 'mse'"):
        ns.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2)), loss="mse")
    with pytest.raises(ValueError, match="weight_decay"):
        ns.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2)), weight_decay=-1)


def test_check_torch_adds_autograd_and_exits_1_on_a_mismatch(capsys, monkeypatch):
    from neurosim.cli import main
    from neurosim.witnesses import autograd

    assert main(["check", "--torch", "--rows", "2"]) == 0
    out = capsys.readouterr().out
    assert "OK: torch autograd agrees with neurosim on J and all 26 gradients" in out
    assert "finite differences and torch autograd agree" in out

    real = autograd.torch_gradients

    def off(net, X, T):
        J, grads = real(net, X, T)
        grads[1][1][0] += 1e-6       # ∂J/∂b_1^(2) as torch would report it
        return J, grads

    monkeypatch.setattr(autograd, "torch_gradients", off)
    assert main(["check", "--torch"]) == 1
    out = capsys.readouterr().out
    assert "MISMATCH: ∂J/∂b_1^(2) differs" in out and "result: MISMATCH in torch autograd." in out


def test_torch_loss_takes_one_label_per_row_for_one_output_and_refuses_other_shapes():
    net = make([2, 3, 1], "tanh", "binary_cross_entropy", seed=6)
    X = np.random.default_rng(1).normal(size=(5, 2))
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    model = ns.to_torch(net)
    out = model(torch.from_numpy(X))
    assert ns.torch_loss(net)(out, torch.from_numpy(y)).item() == pytest.approx(net.cost(X, y), rel=1e-13)
    with pytest.raises(ValueError, match=r"target: expected shape \(5, 1\) like the output, got \(5, 2\)"):
        ns.torch_loss(net)(out, torch.zeros(5, 2, dtype=torch.float64))


def test_a_whole_exported_model_survives_torch_save_and_load(tmp_path):
    net = make([2, 3, 2], "softplus", "half_sse", output="softplus", prune=0.3, seed=8)
    model = ns.to_torch(net)
    torch.save(model, tmp_path / "model.pt")      # pickles the classes by name: ExactSoftplus must be findable
    loaded = torch.load(tmp_path / "model.pt", weights_only=False)
    assert_same_network(ns.from_torch(loaded), net)
