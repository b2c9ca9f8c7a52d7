/* neurosim engine.js: the page's mirror of neurosim's scalar engine (core/engine.py, with the scalar
 * activations of activations.py and the output rules of losses.py), used after a what-if edit.
 *
 * Same names and the same order of every sum as the Python engine, so both give the same numbers: IEEE
 * doubles added and multiplied in the same order are bit for bit equal; only Math.exp, Math.tanh and
 * Math.log1p may differ from the C library's in the last bit. (engine.py sums with math.sumprod on
 * Python >= 3.12, in extended precision: there the last bit of a sum may differ too.)
 *
 * Forward, for l = 2 … n_l:   z_i^(l) = Σ_j W_ij^(l−1) a_j^(l−1) + b_i^(l−1),   a_i^(l) = f(z_i^(l))
 * Backward, output layer:     δ_i^(n_l) = ∂J/∂a_i · f′(z_i)   (or a_i − y_i for a paired loss)
 *           hidden layers:    δ_i^(l) = (Σ_j δ_j^(l+1) W_ji^(l)) · f′(z_i^(l))
 * Gradients:                  ∂J/∂W_ji^(l) = δ_j^(l+1) a_i^(l),   ∂J/∂b_i^(l−1) = δ_i^(l)
 *
 * page.py concatenates engine.js, trace.js and explorer.js inside one closure: nothing here is global.
 */

function sigmoid(z) {
  // exp of a non-positive number never overflows, so branch on the sign.
  if (z >= 0.0) {
    return 1.0 / (1.0 + Math.exp(-z));
  }
  const e = Math.exp(z);
  return e / (1.0 + e);
}

const LEAKY_SLOPE = 0.01;

// f and f′ of one neuron, as activations.py's scalar versions.
const ACTIVATIONS = {
  sigmoid: { f: sigmoid, df: (z) => { const s = sigmoid(z); return s * (1.0 - s); } },
  tanh: { f: Math.tanh, df: (z) => { const t = Math.tanh(z); return 1.0 - t * t; } },
  relu: { f: (z) => (z > 0.0 ? z : 0.0), df: (z) => (z > 0.0 ? 1.0 : 0.0) },
  leaky_relu: { f: (z) => (z > 0.0 ? z : LEAKY_SLOPE * z), df: (z) => (z > 0.0 ? 1.0 : LEAKY_SLOPE) },
  softplus: { f: (z) => pyMax(z, 0.0) + Math.log1p(Math.exp(-Math.abs(z))), df: sigmoid },
  identity: { f: (z) => z, df: () => 1.0 },
  softmax: { f: null, df: null },   // a whole layer at once: see softmax()
};

function pyMax(a, b) {
  // Python's max(a, b): the first argument unless the second is larger (so NaN in a stays NaN).
  return b > a ? b : a;
}

function pairwiseSum(v, lo = 0, n = v.length) {
  // numpy's summation order for a float64 vector (pairwise, eight partial sums per block of 128).
  if (n < 8) {
    let s = -0.0;
    for (let k = lo; k < lo + n; k++) { s += v[k]; }
    return s;
  }
  if (n <= 128) {
    const r = v.slice(lo, lo + 8);
    let k;
    for (k = 8; k < n - (n % 8); k += 8) {
      for (let m = 0; m < 8; m++) { r[m] += v[lo + k + m]; }
    }
    let s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; k < n; k++) { s += v[lo + k]; }
    return s;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(v, lo, n2) + pairwiseSum(v, lo + n2, n - n2);
}

function softmax(z) {
  // p_k = exp(z_k − max z) / Σ_j exp(z_j − max z), as activations.softmax does it with numpy.
  let top = -Infinity;   // np.max: NaN if any entry is NaN
  for (const v of z) { top = Number.isNaN(v) || Number.isNaN(top) ? NaN : Math.max(top, v); }
  const e = z.map((v) => Math.exp(v - top));
  const total = pairwiseSum(e);
  return e.map((v) => v / total);
}

// The output rule of each built-in loss: δ = grad(a, t)·f′(z), or grad(a, t) itself for a paired loss.
const LOSSES = {
  half_sse: { grad: (a, t) => a - t, paired: false },
  sse: { grad: (a, t) => 2.0 * (a - t), paired: false },
  cross_entropy: { grad: (a, t) => a - t, paired: true },
  binary_cross_entropy: { grad: (a, t) => a - t, paired: true },
};

function lossDelta(loss, df, z, a, t) {
  return loss.paired ? loss.grad(a, t) : loss.grad(a, t) * df(z);
}

/** The neurons and connections of a network from the page's data: layers[l - 1] is layer l. */
function buildLayers(data) {
  const layers = data.sizes.map((s, l) => Array.from({ length: s }, (_, k) => ({
    layer: l + 1, index: k + 1, activation: l === 0 ? null : data.activations[l - 1].name,
    bias: l === 0 ? null : data.biases[l - 1][k], biasGrad: l === 0 ? null : data.biasGrads[l - 1][k],
    z: l === 0 ? null : data.z[l - 1][k], a: data.a[l][k], delta: l === 0 ? null : data.delta[l - 1][k],
    incoming: [], outgoing: [],
  })));
  // data.edges is ordered by (l, i, j): incoming lists come out sorted by j and outgoing ones by i, as
  // Network._rebuild orders them.
  const connections = data.edges.map(([l, i, j], k) => {
    const c = { layer: l, i, j, source: layers[l - 1][j - 1], target: layers[l][i - 1], weight: data.weights[k],
      grad: data.grads[k] };
    c.target.incoming.push(c);
    c.source.outgoing.push(c);
    return c;
  });
  return { layers, connections };
}

/** Set a^(1) = x, then let every neuron of layers 2 … n_l compute z_i and a_i, layer by layer. */
function forward(layers, x) {
  layers[0].forEach((neuron, k) => { neuron.a = x[k]; });
  for (const layer of layers.slice(1)) {
    const activation = ACTIVATIONS[layer[0].activation];
    for (const neuron of layer) {
      // engine.py: z = (W_i1 a_1 + W_i2 a_2 + …) + b, the products added in this order, the bias last
      let sum = -0.0;
      for (const c of neuron.incoming) {
        sum += c.weight * c.source.a;
      }
      const z = sum + neuron.bias;
      neuron.z = z;
      if (activation.f !== null) {
        neuron.a = activation.f(z);
      }
    }
    if (activation.f === null) {
      // softmax: a_i depends on every z of the layer, so the layer finishes it together.
      const p = softmax(layer.map((neuron) => neuron.z));
      layer.forEach((neuron, k) => { neuron.a = p[k]; });
    }
  }
}

/** Reset every Connection.grad and Neuron.biasGrad to 0 before gradients are accumulated. */
function zeroGrads(layers) {
  for (const layer of layers.slice(1)) {
    for (const neuron of layer) {
      neuron.biasGrad = 0.0;
      for (const c of neuron.incoming) { c.grad = 0.0; }
    }
  }
}

/** After forward(): every neuron computes δ from its successors' messages, output layer first. */
function backward(layers, t, loss) {
  const output = layers[layers.length - 1];
  const outAct = ACTIVATIONS[output[0].activation];
  output.forEach((neuron, k) => {
    const delta = lossDelta(loss, outAct.df, neuron.z, neuron.a, t[k]);
    neuron.delta = delta;
    neuron.biasGrad += delta;
  });
  for (const layer of layers.slice(1, -1).reverse()) {
    const df = ACTIVATIONS[layer[0].activation].df;
    for (const neuron of layer) {
      const a = neuron.a;
      let messages = -0.0;   // engine.py's sums start at −0.0, which changes nothing it is added to
      for (const c of neuron.outgoing) {
        const deltaJ = c.target.delta;
        messages += deltaJ * c.weight;   // the message δ_j W_ji sent back along this connection
        c.grad += deltaJ * a;            // ∂J/∂W_ji = δ_j a_i, while both numbers are at hand
      }
      const delta = messages * df(neuron.z);
      neuron.delta = delta;
      neuron.biasGrad += delta;
    }
  }
  for (const neuron of layers[0]) {
    const a = neuron.a;
    for (const c of neuron.outgoing) {
      c.grad += c.target.delta * a;
    }
  }
}

/** J(W,b; x, y) of the example, as losses.py computes it (without weight decay). */
function exampleCost(layers, t, lossName) {
  const out = layers[layers.length - 1];
  const z = out.map((n) => n.z), a = out.map((n) => n.a);
  if (lossName === "half_sse") { return 0.5 * pairwiseSum(a.map((v, k) => (v - t[k]) ** 2)); }
  if (lossName === "sse") { return pairwiseSum(a.map((v, k) => (v - t[k]) ** 2)); }
  if (lossName === "cross_entropy") {
    let top = z[0];
    for (const v of z) { if (v > top) { top = v; } }
    const lse = top + Math.log(pairwiseSum(z.map((v) => Math.exp(v - top))));
    return -pairwiseSum(z.map((v, k) => t[k] * (v - lse)));
  }
  if (lossName === "binary_cross_entropy") {
    return pairwiseSum(z.map((v, k) => pyMax(v, 0.0) + Math.log1p(Math.exp(-Math.abs(v))) - t[k] * v));
  }
  return null;
}
