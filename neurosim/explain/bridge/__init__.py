"""The bridge from the per-neuron sums of the trace to the matrix equations of the notes, with the real numbers.

Three views, each a dataclass holding its matrices (numpy, column form: one example per COLUMN, as in the
notes, i.e. the transpose of the public API's rows) and a ``text()`` that prints every matrix with its shape:

* :func:`layer_bridge` — one example, one layer L = 2 … n_l. Hidden layer: δ^(L) = ((W^(L))ᵀ δ^(L+1)) ∘ f′(z^(L)),
  where row i of (W^(L))ᵀ δ^(L+1) is Σ_j δ_j^(L+1) W_ji^(L), the sum of the messages neuron i received.
  Output layer: δ^(n_l) = ∂J/∂a ∘ f′(z) (or a − y for a paired loss). Then the gradient of the weights that
  feed layer L: ∂J/∂W^(L−1) = δ^(L) (a^(L−1))ᵀ, the outer product whose entry (i, j) is the per-connection
  product δ_i^(L) a_j^(L−1) (masked where a connection is pruned), and ∂J/∂b^(L−1) = δ^(L).
* :func:`batch_bridge` — a batch of m examples in column form: X = [x^(1) … x^(m)] (s_1 × m), Z^(l), A^(l), Δ^(l)
  with one column per example, ∂J/∂W^(l) = (1/m) Δ^(l+1) (A^(l))ᵀ (+ λ W^(l)) and ∂J/∂b^(l) = (1/m) Δ^(l+1) 1.
  For a two-layer network also Alsup's names: R = A^(3) − Y, S = A^(2), D = f′(Z^(2)), G = R ∘ f′(Z^(3))
  (= R for an identity output or a paired loss), V = (W^(2))ᵀ G and with c = 2 for ``sse`` (1 otherwise):
  ∂J/∂W^(2) = (c/m) G Sᵀ, ∂J/∂b^(2) = (c/m) sum(G, columns), ∂J/∂b^(1) = (c/m) sum(V ∘ D, columns),
  ∂J/∂W^(1) = (c/m) (V ∘ D) Xᵀ.
* :func:`why_view` — Tong Wu's "why?"s answered with numbers from central finite differences: the Jacobian
  ∂a/∂z of the output layer (diagonal for an elementwise f, full for softmax), the derivative ∂z^(l+1)/∂W^(l)
  (a 3-index array whose contraction with δ^(l+1) is the outer product δ^(l+1) (a^(l))ᵀ) and ∂z^(l+1)/∂a^(l) = W^(l)
  (whence the transpose in (W^(l))ᵀ δ^(l+1)).

The scalar side always comes from the engine (the trace, Neuron and Connection attributes, ``net.gradients``);
the matrix side is numpy arithmetic on those same numbers, so the two can be compared.
"""

from .batch import BatchBridge, batch_bridge
from .layer import LayerBridge, layer_bridge
from .matrices import matrix_lines, shape_text, side_by_side
from .why import WhyView, why_view

__all__ = ["BatchBridge", "LayerBridge", "WhyView", "batch_bridge", "layer_bridge", "matrix_lines", "shape_text",
           "side_by_side", "why_view"]
