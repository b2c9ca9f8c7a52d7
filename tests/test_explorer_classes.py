"""The explorer's timeline colours each data point by the class ns.plot.decision_boundary gives it: the label,
the one-hot row's class, or y ≥ ½ with one output; data that does not fit the network is refused by name."""

from __future__ import annotations

import numpy as np
import pytest

import neurosim as ns
from neurosim.views.explorer.timeline import timeline_data

X = [[0.1, 0.2], [-0.3, 0.4], [0.5, -0.6], [0.7, 0.8]]


def points(sizes, loss, Y):
    net = ns.Network(sizes, loss=loss, seed=0)
    rec = ns.Recorder(net)
    data = timeline_data(net, X[0], None, X, Y, rec)
    return [p[2] for p in data["points"]], [p[:2] for p in data["points"]]


@pytest.mark.parametrize("sizes, loss, Y, classes", [
    ([2, 3], "cross_entropy", [2, 0, 1, 2], [2, 0, 1, 2]),
    ([2, 3], "cross_entropy", np.eye(3)[[1, 1, 0, 2]], [1, 1, 0, 2]),
    ([2, 1], "binary_cross_entropy", [0.0, 1.0, 1.0, 0.0], [0, 1, 1, 0]),
    ([2, 1], "half_sse", [[0.2], [0.5], [0.49], [0.9]], [0, 1, 0, 1]),
    ([2, 2], "half_sse", [[0.1, 0.3], [0.8, 0.2], [0.4, 0.5], [0.9, 0.1]], [1, 0, 1, 0]),
])
def test_points_carry_their_class(sizes, loss, Y, classes):
    got, xy = points(sizes, loss, Y)
    assert got == classes
    assert xy == X


def test_data_of_another_length_than_X_is_refused_by_name():
    with pytest.raises(ValueError, match="Y"):
        points([2, 3], "cross_entropy", [2, 0, 1])
