/* neurosim matrix.js: the linked matrix panel, the bridge from neurons to matrices in one picture.
 *
 * For the layers l and l + 1 it shows W^(l), δ^(l+1), (W^(l))ᵀδ^(l+1) (each entry is the sum of the messages
 * δ_j·W_ji that neuron i of layer l receives), f′(z^(l)), and δ^(l+1)(a^(l))ᵀ = ∂J/∂W^(l). Selecting a neuron
 * or a connection in the drawing lights its column, row or entry here; clicking an entry selects the neuron or
 * connection it belongs to. Small layers show every number; big ones are heat-maps with the numbers on hover.
 */

const FULL_CELLS = 160;   // above this many entries a matrix is drawn as a heat-map

/** The symbol of a whole vector or matrix, as notation.layer_symbol prints it: W^(2), δ^[2], W_2. */
function layerSymbol(kind, l, notation) {
  const shown = notation !== "vv" && NEURON_KINDS.has(kind) ? l - 1 : l;
  const name = PLAIN[kind];
  if (notation === "alsup") { return `${name}_${shown}`; }
  if (notation === "bracket") { return `${name}^[${shown}]`; }
  return `${name}^(${shown})`;
}

/** The numbers of the panel for layer l (l = 1 … n_l − 1), from the page's current network. */
function bridgeNumbers(view, l) {
  const lower = view.layers[l - 1], upper = view.layers[l];
  const W = upper.map(() => lower.map(() => 0.0));
  const present = upper.map(() => lower.map(() => false));
  const outer = upper.map(() => lower.map(() => null));
  for (const c of view.connections) {
    if (c.layer !== l) { continue; }
    W[c.i - 1][c.j - 1] = c.weight;
    present[c.i - 1][c.j - 1] = true;
    outer[c.i - 1][c.j - 1] = c.grad;   // δ_i^(l+1) a_j^(l), as the engine computed it
  }
  // (W^(l))ᵀδ^(l+1) entry by entry in the engine's order: the messages along the connections that exist.
  const sums = lower.map((n) => {
    let messages = 0.0;
    for (const c of n.outgoing) { messages += c.target.delta * c.weight; }
    return messages;
  });
  const act = l >= 2 ? ACTIVATIONS[lower[0].activation] : null;
  const dz = lower.map((n) => (act && act.df ? act.df(n.z) : null));
  return { W, present, outer, delta: upper.map((n) => n.delta), sums, dz, a: lower.map((n) => n.a) };
}

function mountMatrix(view) {
  const nl = view.layers.length;
  const box = view.$("[data-role=extra]").appendChild(view.root.ownerDocument.createElement("details"));
  box.className = "nsx-matrix";
  box.setAttribute("data-role", "matrix");
  const small = Math.max(...view.data.sizes) <= 16;
  box.open = small;
  box.innerHTML = "<summary>The same numbers as matrices (the bridge) for layer "
    + '<select data-role="matrix-layer" aria-label="the layer l whose matrices are shown"></select></summary><div class="nsx-mats" data-role="matrices"></div>';
  const pick = box.querySelector("[data-role=matrix-layer]");
  for (let l = 1; l < nl; l++) {
    const o = pick.appendChild(view.root.ownerDocument.createElement("option"));
    o.value = String(l);
    o.textContent = `l = ${l} (W^(${l}) between layers ${l} and ${l + 1})`;
  }
  const state = { l: nl > 2 ? nl - 1 : 1, drawn: null };
  pick.value = String(state.l);
  pick.addEventListener("change", () => { state.l = Number(pick.value); update(); });
  box.addEventListener("toggle", () => update());
  box.addEventListener("click", (ev) => {
    const cell = ev.target.closest("td[data-cell]");
    if (!cell || !box.contains(cell)) { return; }
    ev.stopPropagation();
    const [what, a, b] = cell.dataset.cell.split(",");
    const l = state.l;
    if (what === "W" || what === "outer") {
      if (view.edgeIndex.has(`${l},${a},${b}`)) { view.select(l, Number(a), Number(b)); }
    } else if (what === "delta") {
      view.select(l + 1, Number(a));
    } else {
      view.select(l, Number(a));
    }
  });

  const table = (name, rows, kind, vmax, title) => {
    const cells = rows.length * rows[0].length, full = cells <= FULL_CELLS;
    let html = `<div class="nsx-mat"><div class="nsx-mat-name">${typeset(name)} <span>${rows.length}×${rows[0].length}</span></div>`
      + `<table class="${full ? "" : "nsx-heat"}"><tbody>`;
    rows.forEach((row, r) => {
      html += "<tr>";
      row.forEach((v, c) => {
        const fill = v === null ? null : colourOf(view.palette, v, vmax);
        const at = row.length === 1 ? `${kind},${r + 1}` : `${kind},${r + 1},${c + 1}`;
        const text = v === null ? "—" : shortText(v);
        html += `<td data-cell="${at}" style="background:${fill || "transparent"};color:${inkOf(fill)}" `
          + `title="${escapeHtml(title(r, c, v))}">${full ? escapeHtml(text) : ""}</td>`;
      });
      html += "</tr>";
    });
    return html + "</tbody></table></div>";
  };

  const draw = () => {
    const l = state.l, nt = view.data.notation, d = view.data.digits;
    const m = bridgeNumbers(view, l);
    const col = (v) => v.map((x) => [x]);
    const wmax = absMax(m.W.flat()), gmax = absMax([...m.delta, ...m.sums, ...m.outer.flat()]);
    const sym = (kind, i, j = null, lay = l) => symbol(kind, lay, i, j, nt);
    const W = layerSymbol("W", l, nt), dU = layerSymbol("delta", l + 1, nt), zL = layerSymbol("z", l, nt);
    const aL = layerSymbol("a", l, nt), f = l >= 2 ? view.data.activations[l - 2].symbol : "";
    let html = table(W, m.W, "W", wmax, (r, c, v) => (m.present[r][c] ? `${sym("W", r + 1, c + 1)} = ${fmt(v, d)}`
      : `${sym("W", r + 1, c + 1)} is pruned (0)`));
    html += table(dU, col(m.delta), "delta", gmax, (r, c, v) => `${sym("delta", r + 1, null, l + 1)} = ${fmt(v, d)}`);
    html += table(`(${W})ᵀ${dU}`, col(m.sums), "sum", gmax,
      (r, c, v) => `Σ_j ${sym("delta", "j", null, l + 1)}·${sym("W", "j", r + 1)} = ${fmt(v, d)}: the messages neuron ${r + 1} of layer ${l} receives`);
    if (l >= 2 && m.dz.every((v) => v !== null)) {
      html += table(`${f}′(${zL})`, col(m.dz), "dz", absMax(m.dz), (r, c, v) => `${f}′(${sym("z", r + 1)}) = ${fmt(v, d)}`);
    }
    html += table(`${dU}(${aL})ᵀ = ∂J/∂${W}`, m.outer.map((row) => row.map((v) => v)), "outer", gmax,
      (r, c, v) => (v === null ? "pruned" : `∂J/∂${sym("W", r + 1, c + 1)} = ${sym("delta", r + 1, null, l + 1)}·${sym("a", c + 1)} = ${fmt(v, d)}`));
    box.querySelector("[data-role=matrices]").innerHTML = html;
  };

  const light = () => {
    for (const el of box.querySelectorAll(".nsx-hit, .nsx-col")) { el.classList.remove("nsx-hit", "nsx-col"); }
    const sel = view.sel, l = state.l;
    if (!sel) { return; }
    const mark = (spec, cls) => { const el = box.querySelector(`td[data-cell="${spec}"]`); if (el) { el.classList.add(cls); } };
    if (sel.j !== undefined && sel.l === l) {
      mark(`W,${sel.i},${sel.j}`, "nsx-hit");
      mark(`outer,${sel.i},${sel.j}`, "nsx-hit");
    } else if (sel.j === undefined && sel.l === l) {
      for (let r = 1; r <= view.data.sizes[l]; r++) { mark(`W,${r},${sel.i}`, "nsx-col"); }
      mark(`sum,${sel.i}`, "nsx-hit");
      mark(`dz,${sel.i}`, "nsx-hit");
    } else if (sel.j === undefined && sel.l === l + 1) {
      for (let c = 1; c <= view.data.sizes[l - 1]; c++) { mark(`W,${sel.i},${c}`, "nsx-col"); }
      mark(`delta,${sel.i}`, "nsx-hit");
    }
  };

  const follow = () => {
    // a selection elsewhere moves the panel to the layer it belongs to
    const sel = view.sel;
    if (!sel) { return; }
    const want = sel.j !== undefined ? sel.l : (sel.l < nl ? sel.l : nl - 1);
    if (want !== state.l) { state.l = want; pick.value = String(want); }
  };

  function update() {
    follow();
    if (!box.open) { return; }
    const key = `${view.version}|${state.l}`;
    if (state.drawn !== key) { draw(); state.drawn = key; }
    light();
  }

  view.hooks.push(update);
  view.matrixPanel = { layer: () => state.l, update };
}
