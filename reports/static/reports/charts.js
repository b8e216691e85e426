// motcua — small SVG bar and line charts for the leaders' dashboard. No dependency.
//
// Each <figure data-chart="ID"> is drawn from the spec with that id in the JSON of
// <script id="chart-specs">: {src, path?, x, x_format?, title, unit, max?, empty?, series: [{key,
// label, kind: "bar"|"line"}], extra?: [{key, label, of?, yes?, no?}]}. The rows are fetched from
// `src` (the API, same-origin session). Every chart has a <title> and <desc>, can be explored with
// the arrow keys (the values are read out in a live region), and is followed by its data table.

const SVG = "http://www.w3.org/2000/svg";
// Each colour has at least 4.5:1 contrast on white; lines also differ by dash and marker shape.
const COLORS = ["#0b57a4", "#1e6b34", "#a50e0e", "#8a5a00", "#5b2a86"];
const DASHES = ["", "7 4", "2 3", "9 3 2 3", ""];
const MARKERS = ["circle", "square", "triangle", "diamond", "circle"];
const number = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 });
const fetched = new Map();

function el(name, attrs = {}, text) {
  const node = name.startsWith("svg:")
    ? document.createElementNS(SVG, name.slice(4))
    : document.createElement(name);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(key, String(value));
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

function value(row, key) {
  const v = row[key];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function label(spec, row) {
  const raw = String(row[spec.x] ?? "");
  if (spec.x_format === "month") {
    const m = /^(\d{4})-(\d{2})/.exec(raw);
    if (m) return `${m[2]}/${m[1]}`;
  }
  return raw;
}

function show(spec, v) {
  if (v === null) return "—";
  return spec.unit === "%" ? `${number.format(v)}%` : `${number.format(v)} ${spec.unit || ""}`.trim();
}

function extraText(item, row) {
  const v = row[item.key];
  if (v === undefined || v === null) return "—";
  if (typeof v === "boolean") return v ? item.yes || "Có" : item.no || "Không";
  return item.of && row[item.of] ? `${v}/${row[item.of]}` : String(v);
}

// The top of the axis: four equal steps, each a round number (a whole one for counts).
function axisMax(v, whole) {
  const quarter = v > 0 ? v / 4 : 0.25;
  const power = 10 ** Math.floor(Math.log10(quarter));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    const size = step * power;
    if (size >= quarter && (!whole || Number.isInteger(size))) return 4 * size;
  }
  return 40 * power;
}

function describe(spec, rows) {
  const labels = rows.map((r) => label(spec, r));
  const parts = [`${rows.length} kỳ, từ ${labels[0]} đến ${labels[labels.length - 1]}.`];
  for (const s of spec.series) {
    const points = rows.map((r, i) => [value(r, s.key), labels[i]]).filter(([v]) => v !== null);
    if (!points.length) {
      parts.push(`${s.label}: chưa có số liệu.`);
      continue;
    }
    const hi = points.reduce((a, b) => (b[0] > a[0] ? b : a));
    const lo = points.reduce((a, b) => (b[0] < a[0] ? b : a));
    const last = points[points.length - 1];
    parts.push(
      `${s.label}: cao nhất ${show(spec, hi[0])} (${hi[1]}), thấp nhất ${show(spec, lo[0])} (${lo[1]}), ` +
        `kỳ cuối ${show(spec, last[0])}.`,
    );
  }
  parts.push("Dùng phím mũi tên trái, phải để nghe số liệu từng kỳ; bảng số liệu ở dưới biểu đồ.");
  return parts.join(" ");
}

function readout(spec, row) {
  const values = spec.series.map((s) => `${s.label} ${show(spec, value(row, s.key))}`);
  for (const item of spec.extra || []) values.push(`${item.label} ${extraText(item, row)}`);
  return `${label(spec, row)}: ${values.join("; ")}.`;
}

function marker(shape, x, y, color) {
  const r = 3.5;
  if (shape === "square") {
    return el("svg:rect", { x: x - r, y: y - r, width: 2 * r, height: 2 * r, fill: color });
  }
  if (shape === "triangle") {
    return el("svg:path", { d: `M${x} ${y - r - 1}L${x + r + 1} ${y + r}L${x - r - 1} ${y + r}Z`, fill: color });
  }
  if (shape === "diamond") {
    return el("svg:path", { d: `M${x} ${y - r - 1}L${x + r + 1} ${y}L${x} ${y + r + 1}L${x - r - 1} ${y}Z`, fill: color });
  }
  return el("svg:circle", { cx: x, cy: y, r, fill: color });
}

function legend(spec) {
  const list = el("ul", { class: "chart-legend" });
  spec.series.forEach((s, i) => {
    const item = el("li");
    const swatch = el("svg:svg", { width: 28, height: 12, "aria-hidden": "true", focusable: "false" });
    if (s.kind === "bar") {
      swatch.append(el("svg:rect", { x: 6, y: 1, width: 16, height: 10, fill: COLORS[i] }));
    } else {
      swatch.append(
        el("svg:line", { x1: 1, y1: 6, x2: 27, y2: 6, stroke: COLORS[i], "stroke-width": 2, "stroke-dasharray": DASHES[i] }),
      );
      swatch.append(marker(MARKERS[i], 14, 6, COLORS[i]));
    }
    item.append(swatch, document.createTextNode(s.label));
    list.append(item);
  });
  return list;
}

function table(spec, rows) {
  const details = el("details", { class: "chart-table" });
  details.append(el("summary", {}, `Bảng số liệu: ${spec.title}`));
  const wrap = el("div", { class: "table-scroll" });
  const t = el("table");
  t.append(el("caption", { class: "visually-hidden" }, spec.title));
  const head = el("tr");
  head.append(el("th", { scope: "col" }, "Kỳ"));
  for (const s of spec.series) head.append(el("th", { scope: "col" }, s.label));
  for (const item of spec.extra || []) head.append(el("th", { scope: "col" }, item.label));
  const thead = el("thead");
  thead.append(head);
  t.append(thead);
  const body = el("tbody");
  for (const row of rows) {
    const tr = el("tr");
    tr.append(el("th", { scope: "row" }, label(spec, row)));
    for (const s of spec.series) tr.append(el("td", { class: "num" }, show(spec, value(row, s.key))));
    for (const item of spec.extra || []) tr.append(el("td", { class: "num" }, extraText(item, row)));
    body.append(tr);
  }
  t.append(body);
  wrap.append(t);
  details.append(wrap);
  return details;
}

let uid = 0;

function draw(box, spec, rows, state) {
  const width = Math.max(280, Math.round(box.clientWidth || 600));
  const height = width < 480 ? 220 : 260;
  const m = { top: 12, right: 12, bottom: 34, left: spec.unit === "%" ? 40 : 46 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const n = rows.length;
  const band = pw / n;
  let top = 0;
  for (const s of spec.series) for (const r of rows) top = Math.max(top, value(r, s.key) ?? 0);
  const max = spec.max && top <= spec.max ? spec.max : axisMax(top, spec.unit !== "%");
  const y = (v) => m.top + ph - (v / max) * ph;
  const cx = (i) => m.left + band * (i + 0.5);
  const id = `chart-${++uid}`;

  const svg = el("svg:svg", {
    viewBox: `0 0 ${width} ${height}`,
    width: "100%",
    role: "img",
    tabindex: 0,
    "aria-labelledby": `${id}-t ${id}-d`,
    class: "chart-svg",
  });
  svg.append(el("svg:title", { id: `${id}-t` }, spec.title), el("svg:desc", { id: `${id}-d` }, describe(spec, rows)));

  const grid = el("svg:g", { class: "chart-grid-lines", "aria-hidden": "true" });
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    grid.append(el("svg:line", { x1: m.left, x2: width - m.right, y1: y(v), y2: y(v) }));
    grid.append(
      el("svg:text", { x: m.left - 6, y: y(v) + 4, "text-anchor": "end" }, spec.unit === "%" ? `${number.format(v)}%` : number.format(v)),
    );
  }
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(pw / 58))));
  rows.forEach((r, i) => {
    if (i % every === 0) {
      grid.append(el("svg:text", { x: cx(i), y: height - m.bottom + 18, "text-anchor": "middle" }, label(spec, r)));
    }
  });
  grid.append(el("svg:line", { class: "axis", x1: m.left, x2: width - m.right, y1: y(0), y2: y(0) }));
  grid.append(el("svg:line", { class: "axis", x1: m.left, x2: m.left, y1: m.top, y2: y(0) }));
  svg.append(grid);

  const bars = spec.series.map((s, i) => [s, i]).filter(([s]) => s.kind === "bar");
  const lines = spec.series.map((s, i) => [s, i]).filter(([s]) => s.kind !== "bar");
  const plot = el("svg:g", { "aria-hidden": "true" });
  if (bars.length) {
    const group = band * 0.8;
    const width1 = group / bars.length;
    bars.forEach(([s, i], j) => {
      rows.forEach((r, k) => {
        const v = value(r, s.key);
        if (v === null || v === 0) return;
        const x = m.left + band * k + band * 0.1 + j * width1;
        plot.append(el("svg:rect", { x, y: y(v), width: Math.max(1, width1 - 1), height: y(0) - y(v), fill: COLORS[i] }));
      });
    });
  }
  for (const [s, i] of lines) {
    let d = "";
    let pen = false;
    rows.forEach((r, k) => {
      const v = value(r, s.key);
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${cx(k).toFixed(1)} ${y(v).toFixed(1)}`;
      pen = true;
    });
    plot.append(
      el("svg:path", { d, fill: "none", stroke: COLORS[i], "stroke-width": 2, "stroke-dasharray": DASHES[i] }),
    );
    if (n <= 40) {
      rows.forEach((r, k) => {
        const v = value(r, s.key);
        if (v !== null) plot.append(marker(MARKERS[i], cx(k), y(v), COLORS[i]));
      });
    }
  }
  svg.append(plot);

  const cursor = el("svg:line", { class: "chart-cursor", y1: m.top, y2: y(0), visibility: "hidden" });
  svg.append(cursor);

  const move = (i) => {
    state.index = Math.max(0, Math.min(n - 1, i));
    cursor.setAttribute("x1", cx(state.index));
    cursor.setAttribute("x2", cx(state.index));
    cursor.setAttribute("visibility", "visible");
    state.live.textContent = readout(spec, rows[state.index]);
  };
  svg.addEventListener("keydown", (event) => {
    const keys = { ArrowLeft: -1, ArrowRight: 1, ArrowDown: -1, ArrowUp: 1 };
    if (event.key in keys) move(state.index === null ? n - 1 : state.index + keys[event.key]);
    else if (event.key === "Home") move(0);
    else if (event.key === "End") move(n - 1);
    else return;
    event.preventDefault();
  });
  svg.addEventListener("focus", () => move(state.index ?? n - 1));
  const pointer = (event) => {
    const rect = svg.getBoundingClientRect();
    const x = ((event.clientX - rect.left) / rect.width) * width;
    move(Math.floor((x - m.left) / band));
  };
  svg.addEventListener("pointermove", pointer);
  svg.addEventListener("pointerdown", pointer);
  const focused = box.contains(document.activeElement);
  box.replaceChildren(svg);
  if (state.index !== null) move(state.index);
  if (focused) svg.focus();
}

function render(figure, spec, rows) {
  const caption = figure.querySelector("figcaption");
  const box = el("div", { class: "chart-box" });
  const live = el("p", { class: "chart-readout meta", "aria-live": "polite" });
  const state = { index: null, live };
  figure.replaceChildren(...[caption, legend(spec), box, live, table(spec, rows)].filter(Boolean));
  draw(box, spec, rows, state);
  let width = box.clientWidth;
  let timer = 0;
  new ResizeObserver(() => {
    if (Math.abs(box.clientWidth - width) < 8) return;
    width = box.clientWidth;
    clearTimeout(timer);
    timer = setTimeout(() => draw(box, spec, rows, state), 120);
  }).observe(box);
}

async function rowsOf(spec) {
  if (!fetched.has(spec.src)) {
    fetched.set(
      spec.src,
      fetch(spec.src, { credentials: "same-origin", headers: { Accept: "application/json" } }).then((response) =>
        response.ok ? response.json() : null,
      ),
    );
  }
  const data = await fetched.get(spec.src);
  const rows = data && spec.path ? data[spec.path] : data;
  return Array.isArray(rows) ? rows : null;
}

export async function load(figure, spec) {
  const status = figure.querySelector(".chart-status");
  let rows = null;
  try {
    rows = await rowsOf(spec);
  } catch {
    rows = null;
  }
  if (!rows || !rows.length) {
    if (status) status.textContent = rows ? spec.empty || "Chưa có số liệu trong kỳ." : spec.empty || "Không tải được số liệu.";
    return;
  }
  render(figure, spec, rows);
}

const specs = JSON.parse(document.getElementById("chart-specs")?.textContent || "{}");
for (const figure of document.querySelectorAll("figure[data-chart]")) {
  const spec = specs[figure.dataset.chart];
  if (spec) load(figure, spec);
}
