/* neurosim trace.js: the page's mirror of explain/trace.py, used after a what-if edit.
 *
 * traceSteps() writes the same Steps as ns.trace, in the same order, with the same formula and numbers
 * strings: symbols as notation.py prints them and numbers as trace.fmt formats them (Python's "%.6g",
 * round-half-even included). The strings of a step are made only when asked for: a big network has
 * thousands of steps and an edit must stay fast.
 */

const PLAIN = { z: "z", a: "a", delta: "δ", W: "W", b: "b", y: "y", x: "x" };
const NEURON_KINDS = new Set(["z", "a", "delta", "x"]);
const PHASES = ["forward", "backward", "gradient"];

/** symbol("delta", 3, 2) is "δ_2^(3)"; l = null drops the layer (targets y_i). As notation.symbol. */
function symbol(kind, l, i, j = null, notation = "vv") {
  const sub = j === null ? `${i}` : (Math.max(i, j) < 10 ? `${i}${j}` : `${i},${j}`);
  const shown = l !== null && notation !== "vv" && NEURON_KINDS.has(kind) ? l - 1 : l;
  const name = PLAIN[kind];
  if (notation === "alsup") {
    return shown === null ? `${name}^(${sub})` : `${name}_${shown}^(${sub})`;
  }
  if (notation === "bracket") {
    return `${name}_${sub}` + (shown === null ? "" : `^[${shown}]`);
  }
  return `${name}_${sub}` + (l === null ? "" : `^(${l})`);
}

/** A number as ns.trace prints it: Python's f"{value:.{digits}g}", "-0" written "0". */
function fmt(value, digits = 6) {
  if (Number.isNaN(value)) { return "nan"; }
  if (value === Infinity) { return "inf"; }
  if (value === -Infinity) { return "-inf"; }
  if (value === 0) { return "0"; }
  const sign = value < 0 ? "-" : "";
  const x = Math.abs(value);
  let [mantissa, exp] = x.toExponential(digits - 1).split("e");
  // JavaScript rounds an exact tie away from zero, Python to the even digit: only a value whose
  // (digits + 1)-digit rounding ends in 5 can be a tie, so only then look at all of its digits.
  const longer = x.toExponential(digits).split("e")[0];
  if (longer.endsWith("5")) {
    const [exact, exactExp] = x.toExponential(100).split("e");
    const all = exact.replace(".", "");
    if (/^0*$/.test(all.slice(digits + 1)) && all[digits] === "5" && Number(all[digits - 1]) % 2 === 0) {
      const kept = all.slice(0, digits);
      mantissa = kept.length > 1 ? `${kept[0]}.${kept.slice(1)}` : kept;
      exp = exactExp;
    }
  }
  const e = Number(exp);
  const figures = mantissa.replace(".", "");
  let text;
  if (e >= -4 && e < digits) {
    if (e >= 0) {
      const whole = figures.slice(0, e + 1).padEnd(e + 1, "0");
      const frac = figures.slice(e + 1);
      text = frac ? `${whole}.${frac}` : whole;
    } else {
      text = `0.${"0".repeat(-e - 1)}${figures}`;
    }
    if (text.includes(".")) { text = text.replace(/0+$/, "").replace(/\.$/, ""); }
  } else {
    let m = mantissa.includes(".") ? mantissa.replace(/0+$/, "").replace(/\.$/, "") : mantissa;
    const ee = Math.abs(e);
    text = `${m}e${e < 0 ? "-" : "+"}${ee < 10 ? "0" : ""}${ee}`;
  }
  return sign + text;
}

function operandText(value, digits, bare) {
  // A negative operand gets parentheses so that "0.5·(-0.2)" never reads as a subtraction.
  const text = fmt(value, digits);
  return !bare && text.startsWith("-") ? `(${text})` : text;
}

/** One Step of the trace. Its numbers are read live from the neurons and connections it names, so the same
 * Step objects serve every what-if edit; formula and numbers are written on first use after each change
 * (clock.version counts the changes). */
class Step {
  constructor(phase, kind, layer, index, source, holder, field, symbolText, parts, digits, clock) {
    Object.assign(this, { phase, kind, layer, index, source, symbol: symbolText });
    this.holder = holder;
    this.field = field;
    this.parts = parts;
    this.digits = digits;
    this.clock = clock;
    this.text = null;
    this.seen = -1;
  }

  get value() { return this.holder[this.field]; }

  render() {
    if (this.seen !== this.clock.version) {
      let rhs = "", numbers = "";
      for (const part of this.parts) {
        if (typeof part === "string") {
          rhs += part;
          numbers += part;
        } else {
          if (part.sym === undefined) { part.sym = symbol(part.kind, part.l, part.i, part.j, this.clock.notation); }
          rhs += part.sym;
          numbers += operandText(part.holder[part.field], this.digits, part.bare);
        }
      }
      this.text = { formula: `${this.symbol} = ${rhs}`, numbers: `${numbers} = ${fmt(this.value, this.digits)}` };
      this.seen = this.clock.version;
    }
    return this.text;
  }

  get formula() { return this.render().formula; }

  get numbers() { return this.render().numbers; }
}

/** A Step from the page's data: the strings ns.trace wrote. */
function dataStep(row) {
  const [phase, kind, layer, index, source, value, formula, numbers] = row;
  return { phase: PHASES[phase], kind, layer, index, source, value, formula, numbers,
    symbol: formula.slice(0, formula.indexOf(" = ")) };
}

/** Every number of the network's passes as a Step, in ns.trace's order (see trace.py). ``t`` is the target
 * vector the page edits in place; ``clock`` = {version, notation} tells the Steps when their numbers changed. */
function traceSteps(layers, t, model, clock) {
  const notation = model.notation, digits = model.digits;
  const nl = layers.length;
  const steps = [];
  // an operand: its symbol's parts, and where its number lives (read when the step is written out)
  const op = (kind, l, i, holder, field, j = null, bare = false) => ({ kind, l, i, j, holder, field, bare });
  const add = (phase, kind, l, i, j, holder, field, parts) => {
    const name = kind === "W" || kind === "b" ? `∂J/∂${symbol(kind, l, i, j, notation)}` : symbol(kind, l, i, null, notation);
    steps.push(new Step(phase, kind, l, i, j, holder, field, name, parts, digits, clock));
  };
  const derivative = (parts, n) => {
    const name = model.activations[n.layer - 2].symbol;
    parts.push(`·${name}′(`, op("z", n.layer, n.index, n, "z", null, true), ")");
  };

  for (let l = 2; l <= nl; l++) {
    const act = model.activations[l - 2];
    for (const n of layers[l - 1]) {
      const i = n.index;
      let parts = [];
      for (const c of n.incoming) {
        parts.push(op("W", l - 1, i, c, "weight", c.j), "·", op("a", l - 1, c.j, c.source, "a"), " + ");
      }
      parts.push(op("b", l - 1, i, n, "bias"));
      add("forward", "z", l, i, null, n, "z", parts);
      if (act.elementwise) {
        parts = [`${act.symbol}(`, op("z", l, i, n, "z", null, true), ")"];
      } else {
        // softmax, written out: a_i = exp(z_i) / Σ_k exp(z_k)
        parts = ["exp(", op("z", l, i, n, "z", null, true), ") / ("];
        layers[l - 1].forEach((m, k) => { parts.push(k ? " + " : "", "exp(", op("z", l, m.index, m, "z", null, true), ")"); });
        parts.push(")");
      }
      add("forward", "a", l, i, null, n, "a", parts);
    }
  }

  layers[nl - 1].forEach((n, k) => {
    const i = n.index;
    let parts;
    if (model.loss.paired) {
      parts = [op("a", nl, i, n, "a"), " − ", op("y", null, i, t, k)];
    } else {
      parts = model.loss.gradFormula.split(/(\{a\}|\{y\})/).filter((p) => p)
        .map((p) => (p === "{a}" ? op("a", nl, i, n, "a") : p === "{y}" ? op("y", null, i, t, k) : p));
      derivative(parts, n);
    }
    add("backward", "delta", nl, i, null, n, "delta", parts);
  });

  for (let l = nl - 1; l > 1; l--) {
    for (const n of layers[l - 1]) {
      const i = n.index;
      const parts = [];
      if (n.outgoing.length) {
        parts.push("(");
        n.outgoing.forEach((c, k) => {
          parts.push(k ? " + " : "", op("delta", l + 1, c.i, c.target, "delta"), "·", op("W", l, c.i, c, "weight", i));
        });
        parts.push(")");
      } else {
        parts.push("0");   // every outgoing connection pruned: no message arrives
      }
      derivative(parts, n);
      add("backward", "delta", l, i, null, n, "delta", parts);
    }
  }

  for (let l = 1; l < nl; l++) {
    for (const n of layers[l]) {
      for (const c of n.incoming) {
        add("gradient", "W", l, c.i, c.j, c, "grad",
          [op("delta", l + 1, c.i, c.target, "delta"), "·", op("a", l, c.j, c.source, "a")]);
      }
    }
    for (const n of layers[l]) {
      add("gradient", "b", l, n.index, null, n, "biasGrad", [op("delta", l + 1, n.index, n, "delta", null, true)]);
    }
  }
  return steps;
}
