/* neurosim timeline.js: the training timeline. A slider over the recorded epochs (an ns.Recorder's), the cost
 * curve with the shown epoch marked, and for two-input networks the decision boundary at that epoch with the
 * data. gotoEpoch(e) loads the weights and biases recorded at epoch e and recomputes every number (edits made
 * before are dropped).
 */

const CLASS_COLOURS = ["#2166ac", "#b2182b", "#1b7837", "#762a83", "#e08214", "#01665e", "#8c510a", "#4d4d4d"];

/** base64 of little-endian float64s (timeline.packed) back to numbers, bit for bit. */
function unpack(text) {
  const bytes = Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  return Array.from({ length: bytes.length / 8 }, (_, k) => view.getFloat64(8 * k, true));
}

function mountTimeline(view) {
  const tl = view.data.timeline, doc = view.root.ownerDocument;
  const box = view.$("[data-role=extra]").insertBefore(doc.createElement("div"), view.$("[data-role=extra]").firstChild);
  box.className = "nsx-timeline";
  box.setAttribute("data-role", "timeline");
  box.innerHTML = '<div class="nsx-tl-bar"><b>Training</b> <label>epoch <input type="range" data-role="epoch-slider" '
    + `min="0" max="${tl.epochs.length - 1}" value="${tl.epochs.length - 1}" aria-label="epoch"></label> `
    + '<span data-role="epoch-label"></span> <span class="nsx-muted" data-role="epoch-cost"></span></div>'
    + '<div class="nsx-tl-plots"><svg class="nsx-curve" data-role="curve" viewBox="0 0 360 130" role="img" '
    + 'aria-label="cost per epoch"></svg><canvas data-role="boundary" width="144" height="144" hidden></canvas></div>';
  const slider = box.querySelector("[data-role=epoch-slider]");
  // version: the view's numbers this timeline last saw; edited: a what-if edit since the epoch was loaded
  const state = { k: tl.epochs.length - 1, loaded: false, version: view.version, edited: false, loading: false };

  const curve = () => {
    const pts = tl.allEpochs.map((e, n) => [e, tl.allCosts[n]]).filter(([, c]) => c !== null && Number.isFinite(c));
    const svg = box.querySelector("[data-role=curve]");
    if (!pts.length) { svg.innerHTML = '<text x="10" y="60" fill="currentColor" font-size="11">no costs recorded</text>'; return; }
    const e0 = pts[0][0], e1 = Math.max(pts[pts.length - 1][0], e0 + 1);
    const cs = pts.map(([, c]) => c), lo = Math.min(...cs), hi = Math.max(...cs, lo + 1e-12);
    const X = (e) => 40 + 310 * (e - e0) / (e1 - e0), Y = (c) => 10 + 95 * (hi - c) / (hi - lo);
    let html = `<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="${pts.map(([e, c]) => `${X(e).toFixed(1)},${Y(c).toFixed(1)}`).join(" ")}"/>`;
    html += `<text x="36" y="14" text-anchor="end" font-size="10" fill="currentColor">${escapeHtml(shortText(hi))}</text>`
      + `<text x="36" y="108" text-anchor="end" font-size="10" fill="currentColor">${escapeHtml(shortText(lo))}</text>`
      + `<text x="40" y="124" font-size="10" fill="currentColor">epoch ${e0}</text>`
      + `<text x="350" y="124" text-anchor="end" font-size="10" fill="currentColor">${e1}</text>`
      + '<text x="195" y="124" text-anchor="middle" font-size="10" fill="currentColor">J(W,b) per epoch</text>';
    tl.epochs.forEach((e, k) => {
      const c = tl.costs[k];
      if (c === null || !Number.isFinite(c)) { return; }
      html += `<circle data-epoch="${e}" cx="${X(e).toFixed(1)}" cy="${Y(c).toFixed(1)}" r="3" class="nsx-tl-dot">`
        + `<title>epoch ${e}: J = ${escapeHtml(fmt(c, view.data.digits))}</title></circle>`;
    });
    svg.innerHTML = html;
  };

  const boundary = () => {
    const b = tl.boundary, canvas = box.querySelector("[data-role=boundary]");
    if (!b) { return; }
    canvas.hidden = false;
    const g = canvas.getContext("2d"), n = b.grid, cell = canvas.width / n;
    const bytes = Uint8Array.from(atob(b.images[state.k]), (ch) => ch.charCodeAt(0));
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const v = bytes[r * n + c];
        g.fillStyle = b.classes > 1 ? CLASS_COLOURS[v % CLASS_COLOURS.length] : colourOf(view.palette, v / 255 - 0.5, 0.5);
        g.globalAlpha = b.classes > 1 ? 0.35 : 0.8;
        g.fillRect(c * cell, r * cell, cell + 0.5, cell + 0.5);
      }
    }
    g.globalAlpha = 1;
    for (const [px, py, label] of view.data.timeline.points || []) {
      const cx = (px - b.lo[0]) / (b.hi[0] - b.lo[0]) * canvas.width, cy = (b.hi[1] - py) / (b.hi[1] - b.lo[1]) * canvas.height;
      g.beginPath();
      g.arc(cx, cy, 2.2, 0, 2 * Math.PI);
      g.fillStyle = CLASS_COLOURS[label % CLASS_COLOURS.length];
      g.fill();
      g.strokeStyle = "#ffffff";
      g.lineWidth = 0.6;
      g.stroke();
    }
  };

  const show = () => {
    const e = tl.epochs[state.k], c = tl.costs[state.k];
    slider.value = String(state.k);
    box.querySelector("[data-role=epoch-label]").textContent = `epoch ${e} of ${tl.allEpochs[tl.allEpochs.length - 1]}`
      + (state.loaded ? "" : " (the network as exported)")
      + (state.edited ? ", edited since: the J(W,b) and the boundary here are that epoch's" : "");
    box.querySelector("[data-role=epoch-cost]").textContent = c === null ? "" : `J(W,b) = ${fmt(c, view.data.digits)}`;
    for (const dot of box.querySelectorAll(".nsx-tl-dot")) { dot.classList.toggle("nsx-now", Number(dot.dataset.epoch) === e); }
    boundary();
  };

  const load = (k) => {
    const weights = unpack(tl.weights[k]), biases = unpack(tl.biases[k]);
    view.connections.forEach((c, n) => { c.weight = weights[n]; });
    let b = 0;
    for (const layer of view.layers.slice(1)) { for (const n of layer) { n.bias = biases[b++]; } }
    view.x = view.data.x.slice();
    view.t.splice(0, view.t.length, ...view.data.t);   // in place: the page's Steps read this array
    state.k = k;
    state.loaded = true;
    state.edited = false;
    state.loading = true;
    view.recompute();
    state.loading = false;
    state.version = view.version;
    show();
  };

  // after a what-if edit the epoch's J(W,b) and boundary no longer describe the network; after reset the
  // network is the one exported again
  view.hooks.push(() => {
    if (state.loading || view.version === state.version) { return; }
    state.version = view.version;
    state.edited = view.edited;
    if (!view.edited) {
      state.k = tl.epochs.length - 1;
      state.loaded = false;
    }
    show();
  });

  slider.addEventListener("input", () => load(Number(slider.value)));
  curve();
  show();
  view.timeline = {
    epochs: () => tl.epochs.slice(),
    gotoEpoch: (e) => {
      const k = tl.epochs.indexOf(e);
      if (typeof e !== "number" || k < 0) {
        const list = tl.epochs.length > 8 ? `${tl.epochs.slice(0, 4).join(", ")}, …, ${tl.epochs[tl.epochs.length - 1]}` : tl.epochs.join(", ");
        throw argError("e", `one of the recorded epochs (${list})`, e);
      }
      if (view.readOnly) { throw new Error(`gotoEpoch: ${view.readOnly}`); }
      load(k);
      return e;
    },
  };
}
