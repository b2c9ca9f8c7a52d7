/* neurosim details.js: the details of the selected neuron or connection ([data-role="details"]), the what-if
 * edits (fields, dragging a connection, the contract's setInput/setTarget/setWeight/setBias) and the exports
 * (SVG and PNG of the drawing, the network as neurosim JSON that Network.load reads).
 */

function stepFor(view, key) {
  const n = view.at.get(key);
  return n === undefined ? null : view.steps[n];
}

function formulaBlock(view, key) {
  const s = stepFor(view, key);
  if (!s) { return ""; }
  const rhs = s.formula.slice(s.formula.indexOf(" = ") + 3);
  return `<div class="nsx-formula">${typeset(s.symbol)} = ${typeset(rhs)}</div>`
    + numbersHtml(s.numbers);
}

/** A what-if field for the quantity ``name`` (plain symbol, e.g. "x_2"), with room under it for its error. A text
 * field, not type="number": that one hides what was typed when it is not a number, so the error could not say. */
function field(view, kind, at, value, name) {
  const off = view.readOnly ? " disabled" : "";
  return `<label class="nsx-field">${typeset(name)} = <input type="text" inputmode="decimal" spellcheck="false" `
    + `autocomplete="off" data-edit="${kind}" data-at="${at}" data-name="${escapeHtml(name)}"`
    + ` value="${Number.isFinite(value) ? value : ""}"${off}></label>`
    + '<div class="nsx-field-error" data-role="field-error" role="alert"></div>';
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The number typed into a field (a decimal like Python's float() reads, "−" allowed), NaN if it is none. */
function parseField(text) {
  const t = text.trim().replace(/^−/, "-");
  return DECIMAL.test(t) ? Number(t) : NaN;
}

function pickButton(text, spec) {
  return `<button type="button" class="nsx-pick" data-pick="${spec}">${typeset(text)}</button>`;
}

function neuronDetails(view, l, i) {
  const d = view.data.digits, nt = view.data.notation, nl = view.layers.length;
  const n = view.layers[l - 1][i - 1];
  if (l === 1) {
    const x = symbol("x", null, i, null, nt);
    let html = `<h4>Input neuron ${i} (layer 1)</h4><p>${typeset(x)} = ${typeset(symbol("a", 1, i, null, nt))} = `
      + `${escapeHtml(fmt(n.a, d))}</p>${field(view, "x", `${i}`, n.a, x)}`;
    html += `<p>sends it along ${n.outgoing.length} connection${n.outgoing.length === 1 ? "" : "s"}:</p><div class="nsx-picks">`
      + n.outgoing.map((c) => pickButton(symbol("W", 1, c.i, c.j, nt), `1,${c.i},${c.j}`)).join(" ") + "</div>";
    return html;
  }
  const act = view.data.activations[l - 2];
  let html = `<h4>Neuron ${i} of layer ${l} · ${escapeHtml(act.name)}</h4>`;
  html += formulaBlock(view, `z:${l},${i}`) + formulaBlock(view, `a:${l},${i}`);
  if (l < nl) {
    html += `<p>receives ${n.outgoing.length} message${n.outgoing.length === 1 ? "" : "s"} δ·W from layer ${l + 1}:</p>`
      + '<table class="nsx-msgs"><tbody>';
    let sum = 0.0;
    for (const c of n.outgoing) {
      const m = c.target.delta * c.weight;
      sum += m;
      html += `<tr><td>${typeset(symbol("delta", l + 1, c.i, null, nt))}·${typeset(symbol("W", l, c.i, i, nt))}</td>`
        + `<td>${escapeHtml(operandText(c.target.delta, d))}·${escapeHtml(operandText(c.weight, d))}</td><td>= ${escapeHtml(fmt(m, d))}</td></tr>`;
    }
    html += `<tr class="nsx-sum"><td>sum Σ</td><td></td><td data-role="message-sum">= ${escapeHtml(fmt(sum, d))}</td></tr></tbody></table>`;
  } else {
    const y = symbol("y", null, i, null, nt);
    html += `<p>output neuron; loss ${escapeHtml(view.data.loss.name)}, target ${typeset(y)} = ${escapeHtml(fmt(view.t[i - 1], d))}</p>`
      + field(view, "y", `${i}`, view.t[i - 1], y);
  }
  html += formulaBlock(view, `delta:${l},${i}`);
  const b = symbol("b", l - 1, i, null, nt);
  html += `<p>bias ${typeset(b)} = ${escapeHtml(fmt(n.bias, d))}, ∂J/∂${typeset(b)} = ${escapeHtml(fmt(n.biasGrad, d))}</p>`
    + field(view, "b", `${l},${i}`, n.bias, b);
  html += `<p>incoming connections:</p><div class="nsx-picks">`
    + n.incoming.map((c) => pickButton(symbol("W", l - 1, c.i, c.j, nt), `${l - 1},${c.i},${c.j}`)).join(" ") + "</div>";
  return html;
}

function edgeDetails(view, l, i, j) {
  const d = view.data.digits, nt = view.data.notation;
  const c = view.connections[view.edgeIndex.get(`${l},${i},${j}`)];
  const w = symbol("W", l, i, j, nt);
  return `<h4>Connection ${typeset(w)}: from neuron ${j} of layer ${l} to neuron ${i} of layer ${l + 1}</h4>`
    + `<p>${typeset(w)} = ${escapeHtml(fmt(c.weight, d))}</p>${field(view, "W", `${l},${i},${j}`, c.weight, w)}`
    + formulaBlock(view, `W:${l},${i},${j}`)
    + `<div class="nsx-picks">${pickButton(symbol(l === 1 ? "x" : "a", l === 1 ? null : l, j, null, nt), `${l},${j}`)} → `
    + `${pickButton(symbol("a", l + 1, i, null, nt), `${l + 1},${i}`)}</div>`
    + (view.readOnly ? "" : '<p class="nsx-hint">drag the connection up or down to change its weight</p>');
}

function showDetails(view) {
  const box = view.$("[data-role=details]");
  const active = view.root.ownerDocument.activeElement;
  const inside = active !== box && box.contains(active);
  const editing = inside && active.dataset.edit ? active.dataset.edit + "|" + active.dataset.at : null;
  const sel = view.sel;
  box.innerHTML = !sel ? '<p class="nsx-hint">Click a neuron or a connection (or Tab to a neuron and press Enter) '
    + "to see its numbers and change them.</p>"
    : (sel.j === undefined ? neuronDetails(view, sel.l, sel.i) : edgeDetails(view, sel.l, sel.i, sel.j));
  if (editing) {
    // the field being typed into stays open and focused while everything around it updates
    const [kind, at] = editing.split("|");
    const again = box.querySelector(`[data-edit="${kind}"][data-at="${at}"]`);
    if (again) { again.focus({ preventScroll: true }); }
  } else if (inside) {
    // a button here (x_1 → a_1^(2)) was pressed and is gone with the old details: the panel keeps the focus,
    // so the arrow keys still step and Tab goes on into the new details (not back to the top of the page)
    box.focus({ preventScroll: true });
  }
}

/** Apply one what-if edit (x_j, y_i, W_ij^(l) or the bias of neuron (l, i)) and recompute everything. ``name``:
 * the value's name in an error (the contract's "v", a field's own symbol such as "x_2"). */
function whatIf(view, what, idx, value, name = "v") {
  if (view.readOnly) { throw new Error(`what-if is off: ${view.readOnly}`); }
  const sizes = view.data.sizes, nl = sizes.length;
  checkFinite(value, name);
  if (what === "x") {
    const [j] = idx;
    checkInt(j, "j", 1, sizes[0]);
    view.x[j - 1] = value;
  } else if (what === "y") {
    const [i] = idx;
    checkInt(i, "i", 1, sizes[nl - 1]);
    const loss = view.data.loss.name;
    if (loss === "cross_entropy") {
      if (value !== 0 && value !== 1) { throw argError(name, "1 (make class i−1 the label) or 0 (no change) for cross_entropy", value); }
      if (value === 1) { view.t.forEach((_, k) => { view.t[k] = k === i - 1 ? 1.0 : 0.0; }); }
    } else {
      if (loss === "binary_cross_entropy" && (value < 0 || value > 1)) { throw argError(name, "a target in [0, 1] for binary_cross_entropy", value); }
      view.t[i - 1] = value;
    }
  } else if (what === "W") {
    const [l, i, j] = idx;
    checkInt(l, "l", 1, nl - 1);
    checkInt(i, "i", 1, sizes[l]);
    checkInt(j, "j", 1, sizes[l - 1]);
    const n = view.edgeIndex.get(`${l},${i},${j}`);
    if (n === undefined) { throw new Error(`j: the connection W_${i}${j}^(${l}) is pruned`); }
    view.connections[n].weight = value;
  } else {
    const [l, i] = idx;
    checkInt(l, "l", 2, nl);
    checkInt(i, "i", 1, sizes[l - 1]);
    view.layers[l - 1][i - 1].bias = value;
  }
  view.recompute();
  return value;
}

function wireWhatIf(view) {
  const box = view.$("[data-role=details]");
  box.addEventListener("change", (ev) => {
    const input = ev.target;
    if (!input.dataset.edit) { return; }
    const idx = input.dataset.at.split(",").map(Number), v = parseField(input.value);
    try {
      // the typed text, not NaN, in the error; said under the field, in the field's own name ("x_2: …")
      if (!Number.isFinite(v)) { throw argError(input.dataset.name, "a finite number", input.value.trim()); }
      whatIf(view, input.dataset.edit, idx, v, input.dataset.name);   // re-renders the details, errors gone
    } catch (err) {
      input.closest("label").nextElementSibling.textContent = err.message;
      input.setAttribute("aria-invalid", "true");
    }
  });
  if (view.readOnly) { return; }
  const svg = view.svg;
  let dragged = false;
  svg.addEventListener("pointerdown", (ev) => {
    const el = ev.target.closest("[data-edge]");
    if (!el) { return; }
    const [l, i, j] = el.dataset.edge.split(",").map(Number);
    const c = view.connections[view.edgeIndex.get(`${l},${i},${j}`)];
    const y0 = ev.clientY, w0 = c.weight, per = Math.max(view.scales.weight, 0.05) / 60;
    dragged = false;
    const move = (m) => {
      const dy = y0 - m.clientY;
      if (!dragged && Math.abs(dy) < 4) { return; }
      dragged = true;
      whatIf(view, "W", [l, i, j], w0 + dy * per);
    };
    const up = () => {
      svg.removeEventListener("pointermove", move);
      svg.removeEventListener("pointerup", up);
      if (dragged) { view.select(l, i, j); }
    };
    svg.setPointerCapture(ev.pointerId);
    svg.addEventListener("pointermove", move);
    svg.addEventListener("pointerup", up);
  });
}

/** The network's current numbers as neurosim JSON (the format Network.save writes). */
function exportJson(view) {
  if (!view.data.template) { throw new Error(`export: ${view.data.exportReason}`); }
  const sizes = view.data.sizes;
  const weights = sizes.slice(0, -1).map((s, l) => Array.from({ length: sizes[l + 1] }, () => new Array(s).fill(0.0)));
  for (const c of view.connections) {
    if (!Number.isFinite(c.weight)) { throw new Error(`export: W_${c.i}${c.j}^(${c.layer}) is ${c.weight}; nothing to save`); }
    weights[c.layer - 1][c.i - 1][c.j - 1] = c.weight;
  }
  const biases = view.layers.slice(1).map((layer) => layer.map((n) => {
    if (!Number.isFinite(n.bias)) { throw new Error(`export: the bias of neuron (${n.layer}, ${n.index}) is ${n.bias}`); }
    return n.bias;
  }));
  return JSON.stringify(Object.assign({}, view.data.template, { weights, biases }), null, 1);
}

/** The drawing as it looks now, as a standalone SVG file (styles written into it). */
function exportSvg(view) {
  const svg = view.svg, clone = svg.cloneNode(true);
  const src = svg.querySelectorAll("*"), dst = clone.querySelectorAll("*");
  const props = ["fill", "stroke", "stroke-width", "stroke-opacity", "stroke-dasharray", "opacity", "font-weight",
    "font-size"];
  src.forEach((el, n) => {
    if (el.tagName === "title" || el.tagName === "defs" || el.closest("defs")) { return; }
    const cs = getComputedStyle(el);
    dst[n].setAttribute("style", props.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(";"));
    dst[n].removeAttribute("class");
  });
  const cs = getComputedStyle(view.root);
  clone.removeAttribute("class");
  clone.setAttribute("style", `color:${cs.color};background:${cs.backgroundColor === "rgba(0, 0, 0, 0)" ? "#ffffff" : cs.backgroundColor}`);
  clone.setAttribute("width", String(svg.viewBox.baseVal.width));
  clone.setAttribute("height", String(svg.viewBox.baseVal.height));
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(clone);
}

function exportPng(view) {
  const text = exportSvg(view);
  const img = new Image();
  img.onload = () => {
    const canvas = view.root.ownerDocument.createElement("canvas");
    canvas.width = img.width * 2;
    canvas.height = img.height * 2;
    const g = canvas.getContext("2d");
    g.fillStyle = view.root.getAttribute("data-theme") === "dark" ? "#1e1e1e" : "#ffffff";
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(img, 0, 0, canvas.width, canvas.height);
    canvas.toBlob((blob) => {
      const a = view.root.ownerDocument.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "neurosim-explorer.png";
      view.root.appendChild(a);
      a.click();
      a.remove();
    }, "image/png");
  };
  img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
}
