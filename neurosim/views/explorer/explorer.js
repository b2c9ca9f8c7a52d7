/* neurosim explorer.js: one explorer on a page (DESIGN §5). mount(root) reads the JSON data the root holds,
 * takes over the static SVG drawing, builds the controls and puts the contract object on root.explorer.
 *
 * Everything stays inside the root: every query starts from it, every id carries the instance's uid, keys
 * handled here never reach a notebook's shortcuts. Before any edit the steps and numbers are exactly those
 * ns.trace wrote (the data); after a what-if edit engine.js and trace.js recompute them.
 */

const KINDS_NEURON = ["z", "a", "delta", "bias", "bias_grad"];
const KINDS_EDGE = ["weight", "grad"];
const SPEEDS = [0.25, 0.5, 1, 2, 4, 8];
// "⏸" is missing from many fonts (a box in Debian's Chromium) and an emoji on others: the bars are drawn
const PAUSE_ICON = '<svg class="nsx-icon" viewBox="0 0 10 10" aria-hidden="true">'
  + '<rect x="1.5" y="1" width="2.6" height="8"/><rect x="5.9" y="1" width="2.6" height="8"/></svg>';

function revive(key, value) {
  // JSON has no NaN or infinity: the data writes them as {"$f": "NaN"}.
  return value !== null && typeof value === "object" && typeof value.$f === "string" ? Number(value.$f) : value;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

/** Plain formula text with its symbols typeset: "W_12^(1)" becomes W with 12 below and (1) above. */
function typeset(text) {
  const re = /([A-Za-zδ]+)(?:_([0-9,]+))?\^([([][0-9,]+[)\]])|([A-Za-zδ]+)_([0-9,]+)/g;
  let out = "", last = 0, m;
  while ((m = re.exec(text)) !== null) {
    out += escapeHtml(text.slice(last, m.index));
    const name = m[1] || m[4], sub = m[2] || m[5] || "", sup = m[3] || "";
    if (sub && sup) {
      out += `<span class="nsx-sym">${escapeHtml(name)}<span class="nsx-ix"><sup>${escapeHtml(sup)}</sup>`
        + `<sub>${escapeHtml(sub)}</sub></span></span>`;
    } else {
      out += `<span class="nsx-sym">${escapeHtml(name)}${sup ? `<sup>${escapeHtml(sup)}</sup>` : `<sub>${escapeHtml(sub)}</sub>`}</span>`;
    }
    last = re.lastIndex;
  }
  return out + escapeHtml(text.slice(last));
}

/** Step.numbers as HTML whose lines wrap only at its spaces, between terms: the browser would also wrap
 * after "·" or between "σ′" and "(-0.502)", which reads as two expressions. */
function numbersHtml(numbers) {
  return `<div class="nsx-numbers">${("= " + numbers).split(" ").map((t) => `<span>${escapeHtml(t)}</span>`).join(" ")}</div>`;
}

function shortText(v) {
  if (v === null || v === undefined) { return ""; }
  if (Number.isNaN(v)) { return "NaN"; }
  if (!Number.isFinite(v)) { return v > 0 ? "inf" : "−inf"; }
  // three significant digits, mostly at most seven characters: valueFont fits them inside the neuron
  const m = Math.abs(v);
  return v === 0 || (m >= 0.01 && m < 1000) ? fmt(v, 3) : v.toExponential(1).replace("e+", "e");
}

/** As svg.value_font: the font size of a value written inside a neuron of radius r, shrunk to fit 1.8 r. */
function valueFont(text, r) {
  const base = Math.max(6.0, Math.min(11.0, r * 0.62));
  let width = 0;
  for (const ch of text) { width += ch === "." ? 0.3 : (ch === "-" || ch === "−" ? 0.36 : 0.58); }
  return Math.min(base, 1.8 * r / (width || 1.0));
}

function argError(name, expected, got) {
  return new Error(`${name}: expected ${expected}, got ${typeof got === "string" ? JSON.stringify(got) : String(got)}`);
}

function checkInt(v, name, lo, hi) {
  if (typeof v !== "number" || !Number.isInteger(v)) { throw argError(name, `a whole number from ${lo} to ${hi}`, v); }
  if (v < lo || v > hi) { throw argError(name, `a whole number from ${lo} to ${hi}`, v); }
  return v;
}

function checkFinite(v, name) {
  if (typeof v !== "number" || !Number.isFinite(v)) { throw argError(name, "a finite number", v); }
  return v;
}

function colourOf(palette, value, vmax) {
  if (value === null || value === undefined || !Number.isFinite(value)) { return null; }
  const t = vmax > 0 ? Math.max(-1, Math.min(1, value / vmax)) : 0;
  const pos = (t + 1) / 2 * (palette.length - 1);
  const k = Math.min(Math.floor(pos), palette.length - 2), f = pos - k;
  const rgb = palette[k].map((a, n) => Math.round(a + (palette[k + 1][n] - a) * f));
  return "#" + rgb.map((c) => c.toString(16).padStart(2, "0")).join("");
}

function inkOf(fill) {
  if (fill === null) { return "currentColor"; }
  const [r, g, b] = [1, 3, 5].map((k) => parseInt(fill.slice(k, k + 2), 16));
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? "#111111" : "#ffffff";
}

function absMax(values) {
  let top = 0;
  for (const v of values) { if (v !== null && Number.isFinite(v) && Math.abs(v) > top) { top = Math.abs(v); } }
  return top || 1;
}

/** Light or dark: VS Code's and JupyterLab's own markers first, then the colour of the text around us. */
function detectTheme(root) {
  const body = root.ownerDocument.body;
  if (body.classList.contains("vscode-dark") || body.classList.contains("vscode-high-contrast")) { return "dark"; }
  if (body.classList.contains("vscode-light")) { return "light"; }
  const jp = body.getAttribute("data-jp-theme-light");
  if (jp === "false") { return "dark"; }
  if (jp === "true") { return "light"; }
  // the text colour around the explorer (its own is set by the theme)
  const m = getComputedStyle(root.parentElement || body).color.match(/\d+(\.\d+)?/g);
  if (m && m.length >= 3) {
    const [r, g, b] = m.map(Number);
    return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? "dark" : "light";
  }
  return "light";
}

const APP_HTML = `
<div class="nsx-top"><span class="nsx-title" data-role="title"></span><span class="nsx-cost" data-role="cost"></span></div>
<div class="nsx-controls">
  <button type="button" data-act="first" title="first step (Home)" aria-label="first step">|◀</button>
  <button type="button" data-act="prev" title="previous step (←)" aria-label="previous step">◀</button>
  <button type="button" data-act="play" title="play or pause (space)" aria-label="play">▶ play</button>
  <button type="button" data-act="next" title="next step (→)" aria-label="next step">▶</button>
  <button type="button" data-act="last" title="last step (End)" aria-label="last step">▶|</button>
  <label class="nsx-speed">speed <select data-role="speed"></select></label>
  <input type="range" data-role="scrubber" min="0" value="0" aria-label="step">
  <span class="nsx-counter" data-role="counter"></span>
</div>
<div class="nsx-main">
  <div class="nsx-stage" data-role="stage"></div>
  <div class="nsx-side">
    <div class="nsx-step" data-role="step" aria-live="polite"></div>
    <div class="nsx-details" data-role="details" tabindex="-1"></div>
  </div>
</div>
<div class="nsx-extra" data-role="extra"></div>
<div class="nsx-foot">
  <label>neurons show <select data-role="neuronShow"><option value="auto">as the step (a, then δ)</option>
    <option value="z">z</option><option value="a">a</option><option value="delta">δ</option></select></label>
  <label>connections show <select data-role="edgeShow"><option value="auto">as the step (W, then ∂J/∂W)</option>
    <option value="weight">W</option><option value="grad">∂J/∂W</option></select></label>
  <span class="nsx-export">export <button type="button" data-act="svg" title="the drawing as it is now, an SVG file">SVG</button>
    <button type="button" data-act="png" title="the drawing as it is now, a PNG image for slides">PNG</button>
    <button type="button" data-act="json" title="the network with your edits as neurosim JSON (ns.Network.load reads it)">JSON</button>
    <button type="button" data-act="reset" title="back to the network as exported">reset</button></span>
  <span class="nsx-note" data-role="note"></span>
</div>`;

class ExplorerView {
  constructor(root, data) {
    this.root = root;
    this.data = data;
    this.uid = data.uid;
    this.palette = data.palette;
    this.readOnly = data.readOnly;
    this.k = 0;
    this.timer = null;
    this.speed = 1;
    this.sel = null;
    this.neuronShow = "auto";
    this.edgeShow = "auto";
    this.hooks = [];   // called after every render (the matrix panel, the timeline)
    this.load(data);
    this.build();
  }

  $(sel) { return this.root.querySelector(sel); }

  /** The network's numbers from the data (ns.trace's), dropping every edit. */
  load(source) {
    const { layers, connections } = buildLayers(source);
    this.layers = layers;
    this.connections = connections;
    this.x = source.x.slice();
    this.t = source.t.slice();
    this.steps = source.steps.map(dataStep);
    this.traced = null;   // the page's own Steps, made at the first edit and kept (they read live numbers)
    this.edited = false;
    this.version = (this.version || 0) + 1;   // bumped whenever the numbers change
    this.clock = { version: this.version, notation: source.notation };
    this.index();
  }

  index() {
    const shownPhases = new Set(this.data.phases);
    this.shown = [];
    this.at = new Map();   // "kind:l,i(,j)" -> index of its step in this.steps
    this.steps.forEach((s, n) => {
      if (shownPhases.has(s.phase)) { this.shown.push(n); }
      this.at.set(`${s.kind}:${s.layer},${s.index}` + (s.source === null ? "" : `,${s.source}`), n);
    });
    this.edgeIndex = new Map(this.connections.map((c, n) => [`${c.layer},${c.i},${c.j}`, n]));
    // where each number is computed, looked up once: the drawing asks for every neuron and edge at every step
    const at = (key) => { const n = this.at.get(key); return n === undefined ? -1 : n; };
    this.gradAt = this.connections.map((c) => at(`W:${c.layer},${c.i},${c.j}`));
    this.neuronAt = this.layers.map((layer) => layer.map((n) => ({
      z: at(`z:${n.layer},${n.index}`), a: at(`a:${n.layer},${n.index}`), delta: at(`delta:${n.layer},${n.index}`) })));
    this.rescale();
  }

  rescale() {
    const all = (key) => this.layers.slice(1).flat().map((n) => n[key]);
    this.scales = {
      z: absMax(all("z")), a: absMax(this.layers.flat().map((n) => n.a)), delta: absMax(all("delta")),
      weight: absMax(this.connections.map((c) => c.weight)), grad: absMax(this.connections.map((c) => c.grad)),
    };
  }

  /** Recompute every number and step with the page's engine after an edit. */
  recompute() {
    forward(this.layers, this.x);
    zeroGrads(this.layers);
    backward(this.layers, this.t, LOSSES[this.data.loss.name]);
    if (!this.traced) { this.traced = traceSteps(this.layers, this.t, this.data, this.clock); }
    this.steps = this.traced;
    this.edited = true;
    this.version += 1;
    this.clock.version = this.version;
    this.rescale();
    this.render();
  }

  build() {
    const app = this.$(":scope > .nsx-app");
    app.innerHTML = APP_HTML;
    const svg = this.$(":scope > .nsx-fallback svg");
    this.$("[data-role=stage]").appendChild(svg);
    this.svg = svg;
    this.$(":scope > .nsx-fallback").hidden = true;
    app.hidden = false;
    this.$("[data-role=title]").textContent = this.data.title;
    const speed = this.$("[data-role=speed]");
    for (const s of SPEEDS) {
      const o = speed.appendChild(this.root.ownerDocument.createElement("option"));
      o.value = String(s);
      o.textContent = `${s}×`;
      o.selected = s === 1;
    }
    this.nodeEls = this.layers.map((layer) => layer.map((n) => {
      const g = svg.querySelector(`[data-node="${n.layer},${n.index}"]`);
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      return { g, circle: g.querySelector("circle"), text: g.querySelector(".nsx-v"), title: null };
    }));
    this.edgeEls = this.connections.map((c) => svg.querySelector(`[data-edge="${c.layer},${c.i},${c.j}"]`));
    this.labelled = (svg.getAttribute("data-labelled") || "").split(",").map((v) => v === "1");   // as drawn
    this.radius = Number(svg.querySelector("[data-node] circle").getAttribute("r"));
    const scrub = this.$("[data-role=scrubber]");
    scrub.max = String(Math.max(0, this.shown.length - 1));
    this.root.setAttribute("data-theme", detectTheme(this.root));
    this.wire();
    if (this.readOnly) { this.$("[data-role=note]").textContent = `what-if off: ${this.readOnly}`; }
    if (this.data.exportReason) { this.$("[data-act=json]").disabled = true; }
    if (this.readOnly) { this.$("[data-act=reset]").hidden = true; }
  }

  wire() {
    const root = this.root;
    const acts = {
      first: () => this.go(0), prev: () => this.go(this.k - 1), next: () => this.go(this.k + 1),
      last: () => this.go(this.shown.length - 1), play: () => this.togglePlay(),
      svg: () => this.download(exportSvg(this), "neurosim-explorer.svg", "image/svg+xml"),
      png: () => exportPng(this), json: () => this.download(exportJson(this), "neurosim-network.json", "application/json"),
      reset: () => this.reset(),
    };
    root.addEventListener("click", (ev) => {
      const act = ev.target.closest("[data-act]");
      if (act && root.contains(act)) { acts[act.dataset.act](); return; }
      const pick = ev.target.closest("[data-node], [data-edge], [data-pick]");
      if (pick && root.contains(pick)) { this.pick(pick); }
    });
    root.addEventListener("pointerdown", (ev) => {
      if (!ev.target.closest("input, select, button, [tabindex]:not(.nsx)")) { root.focus({ preventScroll: true }); }
    });
    for (const type of ["keypress", "keyup"]) {
      root.addEventListener(type, (ev) => { if (!ev.ctrlKey && !ev.metaKey && !ev.altKey) { ev.stopPropagation(); } });
    }
    root.addEventListener("keydown", (ev) => this.key(ev));
    this.$("[data-role=scrubber]").addEventListener("input", (ev) => this.go(Number(ev.target.value)));
    this.$("[data-role=speed]").addEventListener("change", (ev) => {
      this.speed = Number(ev.target.value);
      if (this.timer) { this.pause(); this.play(); }
    });
    this.$("[data-role=neuronShow]").addEventListener("change", (ev) => { this.neuronShow = ev.target.value; this.render(); });
    this.$("[data-role=edgeShow]").addEventListener("change", (ev) => { this.edgeShow = ev.target.value; this.render(); });
    this.svg.addEventListener("pointerover", (ev) => {
      const e = ev.target.closest("[data-edge]");
      if (e) { this.edgeTitle(e); }
    });
    wireWhatIf(this);
  }

  key(ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    ev.stopPropagation();   // keys typed into the explorer are not the notebook's shortcuts
    const tag = ev.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") { return; }
    const pick = ev.target.closest && ev.target.closest("[data-node], [data-edge], [data-pick]");
    if ((ev.key === "Enter" || ev.key === " ") && pick) {
      ev.preventDefault();
      this.pick(pick);
      return;
    }
    if (tag === "BUTTON" && (ev.key === "Enter" || ev.key === " ")) { return; }
    const moves = { ArrowRight: () => this.go(this.k + 1), ArrowLeft: () => this.go(this.k - 1),
      Home: () => this.go(0), End: () => this.go(this.shown.length - 1), " ": () => this.togglePlay() };
    if (moves[ev.key]) {
      ev.preventDefault();
      moves[ev.key]();
    }
  }

  pick(el) {
    const spec = el.dataset.node || el.dataset.edge || el.dataset.pick;
    const nums = spec.split(",").map(Number);
    if (nums.length === 2) { this.select(nums[0], nums[1]); } else { this.select(nums[0], nums[1], nums[2]); }
  }

  go(k, fromUser = true) {
    if (fromUser) { this.pause(); }
    this.k = Math.max(0, Math.min(this.shown.length - 1, k));
    this.render();
    return this.k;
  }

  togglePlay() { if (this.timer) { this.pause(); } else { this.play(); } }

  play() {
    if (this.timer || !this.shown.length) { return; }
    if (this.k >= this.shown.length - 1) { this.k = 0; this.render(); }
    this.timer = setInterval(() => {
      if (this.k >= this.shown.length - 1) { this.pause(); return; }
      this.go(this.k + 1, false);
    }, 1000 / (this.data.fps * this.speed));
    const button = this.$("[data-act=play]");
    button.innerHTML = `${PAUSE_ICON} pause`;
    button.setAttribute("aria-label", "pause");
  }

  pause() {
    if (this.timer) { clearInterval(this.timer); this.timer = null; }
    const button = this.$("[data-act=play]");
    button.textContent = "▶ play";
    button.setAttribute("aria-label", "play");
  }

  step() { return this.steps[this.shown[this.k]]; }

  neuronValue(kind, n) {
    return { z: n.z, a: n.a, delta: n.delta, bias: n.bias, bias_grad: n.biasGrad }[kind];
  }

  render() {
    if (!this.shown.length) { return; }
    const K = this.shown[this.k], s = this.steps[K];
    const auto = s.phase === "forward" ? "a" : "delta";
    const q = this.neuronShow === "auto" ? auto : this.neuronShow;
    this.layers.forEach((layer, l0) => layer.forEach((n, i0) => {
      let kind = l0 === 0 ? "a" : q;
      if (this.neuronShow === "auto" && s.kind === "z" && s.layer === n.layer && s.index === n.index) { kind = "z"; }
      const known = l0 === 0 || this.neuronAt[l0][i0][kind] <= K;
      // an input neuron has no z or δ: it keeps writing x but takes no colour from the legend's other scale
      this.paintNeuron(this.nodeEls[l0][i0], n, kind, known, l0 > 0 || q === "a");
    }));
    const eq = this.edgeShow === "auto" ? (s.phase === "gradient" ? "grad" : "weight") : this.edgeShow;
    this.connections.forEach((c, n) => {
      const known = eq === "weight" || this.gradAt[n] <= K;
      this.paintEdge(this.edgeEls[n], eq === "weight" ? c.weight : c.grad, this.scales[eq], known);
    });
    this.legend(q, eq);
    this.highlight(s);
    this.showStep(s);
    this.$("[data-role=scrubber]").value = String(this.k);
    this.$("[data-role=counter]").textContent = `step ${this.k + 1} of ${this.shown.length} · ${s.phase}`;
    const cost = exampleCost(this.layers, this.t, this.data.loss.name);
    this.$("[data-role=cost]").textContent = cost === null ? "" : `J(W,b; x, y) = ${fmt(cost, this.data.digits)}`;
    if (this.sel || !this.detailsShown) { showDetails(this); this.detailsShown = true; }
    for (const hook of this.hooks) { hook(); }
  }

  paintNeuron(el, n, kind, known, coloured = true) {
    const v = this.neuronValue(kind, n);
    const finite = v !== null && Number.isFinite(v);
    const fill = known && coloured ? colourOf(this.palette, v, this.scales[kind]) : null;
    el.circle.setAttribute("fill", fill || "none");
    el.g.classList.toggle("nsx-pending", !known);
    el.g.classList.toggle("nsx-nonfinite", known && !finite);
    if (this.labelled[n.layer - 1]) {
      const text = known ? shortText(v) : "·";
      const size = valueFont(text, this.radius);
      el.text.textContent = text;
      el.text.setAttribute("font-size", size.toFixed(1));
      el.text.setAttribute("y", (size * 0.35).toFixed(1));
      el.text.setAttribute("fill", inkOf(fill));
    }
    const name = n.layer === 1 ? symbol("x", null, n.index, null, this.data.notation)
      : symbol(kind === "bias" ? "b" : kind, n.layer, n.index, null, this.data.notation);
    if (!el.title) {
      el.title = el.g.insertBefore(this.root.ownerDocument.createElementNS("http://www.w3.org/2000/svg", "title"),
        el.g.firstChild);
    }
    el.title.textContent = known ? `${name} = ${fmt(v, this.data.digits)}` : `${name}: not computed yet at this step`;
  }

  paintEdge(el, v, vmax, known) {
    const finite = Number.isFinite(v);
    const stroke = (known ? colourOf(this.palette, v, vmax) : null) || "#888888";
    const crowd = Math.min(1, Math.sqrt(60 / Math.max(this.connections.length, 1)));
    const share = known && finite ? Math.min(1, Math.abs(v) / vmax) : 0;
    const width = (crowd * (known && finite ? 0.7 + 3.3 * share : 1)).toFixed(2);
    // weak connections fade, on light and dark backgrounds alike (the palette's middle is near white)
    const opacity = (0.3 + 0.7 * share).toFixed(2);
    const look = `${stroke} ${width} ${opacity} ${known} ${finite}`;
    if (el.nsxLook === look) { return; }   // unchanged: touching thousands of lines per step costs time
    el.nsxLook = look;
    el.setAttribute("stroke", stroke);
    el.setAttribute("stroke-width", width);
    el.setAttribute("stroke-opacity", opacity);
    el.classList.toggle("nsx-pending", !known);
    el.classList.toggle("nsx-nonfinite", known && !finite);
  }

  edgeTitle(el) {
    const [l, i, j] = el.dataset.edge.split(",").map(Number);
    const c = this.connections[this.edgeIndex.get(`${l},${i},${j}`)];
    let t = el.querySelector("title");
    if (!t) { t = el.appendChild(this.root.ownerDocument.createElementNS("http://www.w3.org/2000/svg", "title")); }
    const d = this.data.digits, w = symbol("W", l, i, j, this.data.notation);
    t.textContent = `${w} = ${fmt(c.weight, d)}, ∂J/∂${w} = ${fmt(c.grad, d)}`;
  }

  legend(q, eq) {
    const names = { z: "z", a: "a (x in layer 1)", delta: "δ", weight: "W", grad: "∂J/∂W" };
    const put = (role, text) => { const el = this.svg.querySelector(`[data-role="${role}"]`); if (el) { el.textContent = text; } };
    put("legend-n-name", `neurons: ${names[q]}`);
    put("legend-n-lo", shortText(-this.scales[q]));
    put("legend-n-hi", shortText(this.scales[q]));
    put("legend-e-name", `connections: ${names[eq]}`);
    put("legend-e-lo", shortText(-this.scales[eq]));
    put("legend-e-hi", shortText(this.scales[eq]));
  }

  highlight(s) {
    for (const el of this.lit || []) { el.classList.remove("nsx-hl", "nsx-msg", "nsx-mark"); el.removeAttribute("marker-start"); }
    const lit = [];
    const node = (l, i) => { const el = this.nodeEls[l - 1][i - 1].g; el.classList.add("nsx-mark"); lit.push(el); };
    const edge = (c, cls) => {
      const el = this.edgeEls[this.edgeIndex.get(`${c.layer},${c.i},${c.j}`)];
      el.classList.add(cls);
      if (cls === "nsx-msg") { el.setAttribute("marker-start", `url(#${this.uid}-arrow)`); }
      lit.push(el);
    };
    if (s.kind === "z" || s.kind === "a" || s.kind === "delta") {
      const n = this.layers[s.layer - 1][s.index - 1];
      node(s.layer, s.index);
      if (s.kind === "z") { n.incoming.forEach((c) => edge(c, "nsx-hl")); }
      if (s.kind === "delta") { n.outgoing.forEach((c) => edge(c, "nsx-msg")); }
    } else if (s.kind === "W") {
      node(s.layer, s.source);
      node(s.layer + 1, s.index);
      edge({ layer: s.layer, i: s.index, j: s.source }, "nsx-hl");
    } else {
      node(s.layer + 1, s.index);
    }
    this.lit = lit;
  }

  showStep(s) {
    const titles = { forward: "Forward pass", backward: "Backward pass: the error terms flow back",
      gradient: "Gradients of this example's cost" };
    const rhs = s.formula.slice(s.formula.indexOf(" = ") + 3);
    let html = `<div class="nsx-phase">${titles[s.phase]}</div>`
      + `<div class="nsx-formula">${typeset(s.symbol)} = ${typeset(rhs)}</div>`
      + numbersHtml(s.numbers);
    if (s.kind === "delta" && s.layer === this.layers.length) {
      html += `<div class="nsx-aside">the target ${typeset(symbol("y", null, s.index, null, this.data.notation))} = `
        + `${escapeHtml(fmt(this.t[s.index - 1], this.data.digits))} starts the backward pass</div>`;
    }
    this.$("[data-role=step]").innerHTML = html;
  }

  select(l, i, j) {
    const nl = this.layers.length;
    if (j === undefined) {
      checkInt(l, "l", 1, nl);
      checkInt(i, "i", 1, this.data.sizes[l - 1]);
      this.sel = { l, i };
    } else {
      checkInt(l, "l", 1, nl - 1);
      checkInt(i, "i", 1, this.data.sizes[l]);
      checkInt(j, "j", 1, this.data.sizes[l - 1]);
      if (!this.edgeIndex.has(`${l},${i},${j}`)) { throw new Error(`j: the connection W_${i}${j}^(${l}) is pruned`); }
      this.sel = { l, i, j };
    }
    for (const el of this.svg.querySelectorAll(".nsx-sel")) { el.classList.remove("nsx-sel"); }
    const el = j === undefined ? this.nodeEls[l - 1][i - 1].g : this.edgeEls[this.edgeIndex.get(`${l},${i},${j}`)];
    el.classList.add("nsx-sel");
    showDetails(this);
    for (const hook of this.hooks) { hook(); }
  }

  value(kind, l, i, j) {
    const nl = this.layers.length;
    if (KINDS_NEURON.includes(kind)) {
      checkInt(l, "l", 1, nl);
      checkInt(i, "i", 1, this.data.sizes[l - 1]);
      const v = this.neuronValue(kind, this.layers[l - 1][i - 1]);
      return v === undefined ? null : v;
    }
    if (KINDS_EDGE.includes(kind)) {
      checkInt(l, "l", 1, nl - 1);
      checkInt(i, "i", 1, this.data.sizes[l]);
      checkInt(j, "j", 1, this.data.sizes[l - 1]);
      const n = this.edgeIndex.get(`${l},${i},${j}`);
      if (n === undefined) { return null; }
      return kind === "weight" ? this.connections[n].weight : this.connections[n].grad;
    }
    throw argError("kind", `one of ${[...KINDS_NEURON, ...KINDS_EDGE].join(", ")}`, kind);
  }

  reset() {
    this.load(this.data);
    this.render();
  }

  download(text, name, type) {
    const blob = new Blob([text], { type });
    const a = this.root.ownerDocument.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.hidden = true;
    this.root.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }

  /** The contract of DESIGN §5: synchronous methods that return plain values. */
  api() {
    const v = this;
    const current = () => {
      const s = v.step();
      return { phase: s.phase, kind: s.kind, layer: s.layer, index: s.index, source: s.source, symbol: s.symbol,
        value: s.value, formula: s.formula, numbers: s.numbers };
    };
    const api = {
      steps: () => v.shown.length,
      goto: (k) => {
        if (typeof k !== "number" || !Number.isInteger(k)) { throw argError("k", "a whole step number", k); }
        return v.go(k);
      },
      position: () => v.k,
      current,
      value: (kind, l, i, j) => v.value(kind, l, i, j),
      select: (l, i, j) => { v.select(l, i, j); return v.sel; },
      play: () => v.play(),
      pause: () => v.pause(),
      playing: () => v.timer !== null,
      setInput: (j, value) => whatIf(v, "x", [j], value),
      setTarget: (i, value) => whatIf(v, "y", [i], value),
      setWeight: (l, i, j, value) => whatIf(v, "W", [l, i, j], value),
      setBias: (l, i, value) => whatIf(v, "b", [l, i], value),
      reset: () => v.reset(),
      exportJSON: () => exportJson(v),
      exportSVG: () => exportSvg(v),
      epochs: () => (v.timeline ? v.timeline.epochs() : []),
      gotoEpoch: (e) => {
        if (!v.timeline) { throw new Error("gotoEpoch: this explorer has no training record (explore(..., record=rec))"); }
        return v.timeline.gotoEpoch(e);
      },
    };
    return Object.freeze(api);
  }
}

function mount(root) {
  const data = JSON.parse(root.querySelector(":scope > script.nsx-data").textContent, revive);
  const view = new ExplorerView(root, data);
  if (typeof mountMatrix === "function") { mountMatrix(view); }
  if (data.timeline && typeof mountTimeline === "function") { mountTimeline(view); }
  root.explorer = view.api();
  view.render();
  const reduce = root.ownerDocument.defaultView.matchMedia("(prefers-reduced-motion: reduce)").matches;
  if (data.mode === "play" && !reduce) { view.play(); }
}
