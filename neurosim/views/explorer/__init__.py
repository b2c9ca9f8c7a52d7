"""The explorer: any network's passes as one self-contained interactive page (SVG + a small JS mirror of the
engine). ``explore(net, x, y)`` returns an :class:`Explorer`; see DESIGN §5 for the page's contract."""

from ...base.svg import network_svg
from .page import Explorer, explore

__all__ = ["Explorer", "explore", "network_svg"]
