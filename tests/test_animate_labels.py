"""The labels of `neurosim animate --sizes 8,16,16,4` (docs/cli.md): no label covers another, and the messages
leave their senders clear of the senders' symbols. Measured with matplotlib's own text extents."""

from functools import lru_cache

import pytest
from matplotlib.transforms import Bbox

from neurosim.cli import build_parser
from neurosim.cli.common import example_from_args, network_from_args
from neurosim.views.animation import animate
from neurosim.views.placement import box_of, collides, overlap, ray_exit

SIZES = "8,16,16,4"


@lru_cache(maxsize=1)   # the layer animation serves two tests; frames may be shown in any order
def cli_animation(granularity: str):
    """The animation `neurosim animate --sizes 8,16,16,4 [--granularity G]` writes: same network, same example."""
    args = build_parser().parse_args(["animate", "--sizes", SIZES, "--granularity", granularity])
    net, X, Y, _ = network_from_args(args)
    x, y = example_from_args(args, net, X, Y)
    return animate(net, x, y, granularity=granularity)


def shown(texts):
    return [t for t in texts if t.get_visible() and t.get_text()]


def label_boxes(player) -> dict[str, Bbox]:
    """Every label on the frame player has shown, by a readable name: the values beside the neurons, the
    targets and messages on arrows, the weights' values, the z labels, and the backdrop's symbols (those a z
    label covers on a z frame excepted: it is there to replace them)."""
    d, twin = player.d, player.twin
    renderer, twin_renderer = d.fig.canvas.get_renderer(), twin.fig.canvas.get_renderer()
    z_at = {tuple(z.xy) for z in shown(player.z_labels)}
    boxes = {}
    for name, texts, r in (("value", d.value_texts, renderer), ("arrow", player.arrow_texts, renderer),
                           ("weight", player.edge_texts, renderer), ("z", player.z_labels, renderer),
                           ("symbol", twin.symbol_texts, twin_renderer)):
        for n, t in enumerate(texts):
            if t in shown(texts) and not (name == "symbol" and tuple(t.xy) in z_at):
                boxes[f"{name} {n} {t.get_text()!r}"] = t.get_window_extent(r)
    return boxes


@pytest.mark.parametrize("granularity", ["layer", "neuron"])   # layer: the default for this network
def test_no_label_of_the_8_16_16_4_animation_overlaps_another(granularity):
    anim = cli_animation(granularity)
    player = anim._player
    assert player.d.value_texts and player.twin.symbol_texts   # the labels are drawn at this size
    labelled_messages = targets = 0
    for k, frame in enumerate(anim.frames):
        if granularity == "neuron" and frame.phase != "backward":
            continue   # lean: per neuron, the forward and gradient frames place nothing the layer frames do not
        player.show(k)
        boxes = label_boxes(player)
        names = sorted(boxes)
        clashes = [(a, b) for i, a in enumerate(names) for b in names[i + 1:] if boxes[a].overlaps(boxes[b])]
        assert not clashes, (k, frame.phase, frame.what, clashes[:4])
        targets += sum("$y_" in name for name in names)
        labelled_messages += sum(name.startswith("arrow") and "$y_" not in name for name in names)
    assert targets == 4   # every target y_i, once: in its own frame (neuron) or in the targets frame (layer)
    # per neuron, the messages that have room keep their values on their arrows (only there, not in a layer frame)
    assert (labelled_messages > 0) == (granularity == "neuron")


def test_messages_leave_clear_of_their_senders_symbols():
    anim = cli_animation("layer")
    player = anim._player
    d, twin = player.d, player.twin
    twin_renderer = twin.fig.canvas.get_renderer()
    frames = [k for k, f in enumerate(anim.frames) if f.phase == "backward" and f.what == "messages" and f.layer < 4]
    assert len(frames) == 2   # δ^(4) back to layer 3, δ^(3) back to layer 2
    for k in frames:
        anim.frame(k)   # drawn: an arrow's path depends on the renderer's points-to-pixels
        sender_layer = anim.frames[k].layer + 1
        symbols = [t.get_window_extent(twin_renderer) for (l, _), t in zip(d.keys, twin.symbol_texts)
                   if l == sender_layer]
        arrows = [a for a in player.arrows if a.get_visible()]
        assert len(arrows) == 16 * (4 if sender_layer == 4 else 16)
        for a in arrows:
            patch = a.arrow_patch
            path = patch.get_transform().transform_path(patch.get_path())
            hit = [box for box in symbols if path.intersects_bbox(box, filled=False)]
            assert not hit, (k, a.xy, a.xyann)


def test_placement_geometry():
    assert overlap((0, 0, 2, 2), (1, 1, 3, 3)) and not overlap((0, 0, 1, 1), (1, 0, 2, 1))   # touching is no overlap
    assert collides([(0, 0, 2, 2), (5, 5, 6, 6)], obstacles=[(1, 1, 3, 3)])
    assert not collides([(0, 0, 2, 2), (5, 5, 6, 6)])
    assert box_of((1, 2, 3, 4), pad=1) == (0, 1, 4, 5)
    # a ray to the left through a box 10 to 20 units away, 2 high, leaves it at 20; along 45° it leaves at y = 1
    assert ray_exit(-1, 0, (-20, -1, -10, 1)) == pytest.approx(20)
    assert ray_exit(-1, -1, (-20, -1, -0.5, 1)) == pytest.approx(2 ** 0.5)
    assert ray_exit(1, 0, (-20, -1, -10, 1)) == 0   # pointing away
    assert ray_exit(-1, 1, (-20, -1, -10, 1)) == 0  # passing above
