/**
 * The HTML report's inline style and script (html.ts embeds both; no file, no network). The script
 * reads the `run-data` JSON block, fills the job table (one row per job, filtered by text and by
 * verdict), and draws a job's ladder as SVG only when its row is opened (a click, or `#job-N` in
 * the address, which also filters the table to that script): the tester's and the SUT's lifelines, time flowing down at scale (each step at
 * least one label's height below the previous one), each packet an arrow labelled with its dump
 * (flags, seq/ack, window, options, MPTCP options spelled out), system calls boxed on the SUT's
 * line with their results, and the failing event in a highlighted band: the expected packet
 * (dashed) beside the actual one, the mismatch (cause, field, expected and actual values) under it.
 * Browser code kept as a string: the project's TypeScript has no DOM types, and the page must not
 * load anything.
 */

/** The page's style sheet. */
export const HTML_CLIENT_CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:1em 2em;color:#222}
h1{font-size:1.4em;margin:.2em 0}
#summary{display:grid;grid-template-columns:max-content auto;gap:.1em 1em;margin:.5em 0 1em}
#summary dt{font-weight:600}#summary dd{margin:0}
.badge{display:inline-block;padding:0 .5em;border-radius:.6em;font-size:.9em;background:#eee}
.v-pass{background:#d4f4d4}.v-fail,.v-error,.v-xpass{background:#f8d0d0}.v-xfail{background:#f4ecc4}.v-skip{background:#e4e4e4}
#filters{position:sticky;top:0;background:#fff;padding:.4em 0;border-bottom:1px solid #ccc}
#q{width:24em}
table#jobs{border-collapse:collapse;width:100%;margin-top:.5em}
#jobs th,#jobs td{text-align:left;padding:.15em .5em;border-bottom:1px solid #eee;vertical-align:top}
#jobs tr.job{cursor:pointer}#jobs tr.job:hover{background:#f4f8ff}
#jobs td.msg{font-family:ui-monospace,monospace;font-size:.85em;max-width:50em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
tr.detail>td{background:#fafafa;padding:.5em 1em}
.ladder text{font:11px ui-monospace,monospace}
.ladder .life{stroke:#555;stroke-width:2}
.ladder .pkt line{stroke:#246;stroke-width:1.3}
.ladder .pkt.out line{stroke:#462}
.ladder .pkt.expected line{stroke:#06c;stroke-dasharray:6 4}
.ladder .pkt.actual line{stroke:#c00;stroke-width:2}
.ladder .band{fill:#fde4e4}
.ladder .call rect{fill:#eef;stroke:#88a}
.ladder .note text{fill:#a60}
.ladder .time{fill:#888}
.mismatch-box{border:2px solid #c00;background:#fff4f4;padding:.5em;margin:.5em 0;font-family:ui-monospace,monospace;font-size:.85em;white-space:pre-wrap}
.facts{font-size:.9em;margin:.3em 0}
`;

/** The page's script (plain ES2019, no modules). */
export const HTML_CLIENT_JS = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("run-data").textContent);
  var jobs = data.jobs;
  var body = document.querySelector("#jobs tbody");
  var SVG = "http://www.w3.org/2000/svg";
  var W = 1000, TESTER = 90, SUT = 910, TOP = 40, GAP = 30;

  function el(name, attrs, text) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function h(name, cls, text) {
    var e = document.createElement(name);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function secs(us) { return (us / 1e6).toFixed(6); }
  function fmtMs(ms) { return ms < 1000 ? Math.round(ms) + " ms" : (ms / 1000).toFixed(1) + " s"; }
  function clip(s, n) { return s.length > n ? s.slice(0, n - 1) + "\\u2026" : s; }

  function arrow(g, k, y, label, cls, line) {
    var from = k === "in" ? TESTER : SUT, to = k === "in" ? SUT : TESTER;
    var grp = el("g", { "class": "pkt " + k + (cls ? " " + cls : ""), "data-line": line === null ? "" : line });
    grp.appendChild(el("line", { x1: from, y1: y, x2: to, y2: y, "marker-end": "url(#head)" }));
    var t = el("text", { x: (TESTER + SUT) / 2, y: y - 4, "text-anchor": "middle" }, clip(label, 120));
    t.appendChild(el("title", {}, label));
    grp.appendChild(t);
    g.appendChild(grp);
  }

  function ladder(job) {
    var steps = job.steps.slice();
    var f = job.failure;
    var maxUs = 1;
    steps.forEach(function (s) { if (s.us > maxUs) maxUs = s.us; });
    if (f && f.us !== null && f.us > maxUs) maxUs = f.us;
    // Time at scale: ~600 px for the whole job, but never two steps closer than a label.
    var scale = 600 / maxUs, y = TOP, prevUs = 0, rows = [];
    steps.forEach(function (s) {
      y = Math.max(y + GAP, TOP + GAP + s.us * scale, y + (s.us - prevUs) * scale);
      prevUs = s.us;
      rows.push({ s: s, y: y });
    });
    var failY = null;
    if (f) {
      failY = Math.max(y + GAP, TOP + GAP + (f.us === null ? prevUs : f.us) * scale);
      y = failY + 2 * GAP + 10;
    }
    var height = y + GAP;
    var svg = el("svg", { "class": "ladder", width: W, height: height, viewBox: "0 0 " + W + " " + height, role: "img" });
    var defs = el("defs", {});
    var m = el("marker", { id: "head", markerWidth: 10, markerHeight: 8, refX: 9, refY: 4, orient: "auto" });
    m.appendChild(el("path", { d: "M0,0 L10,4 L0,8 z", fill: "#333" }));
    defs.appendChild(m);
    svg.appendChild(defs);
    if (failY !== null) svg.appendChild(el("rect", { "class": "band mismatch", x: 0, y: failY - 18, width: W, height: 2 * GAP + 10 }));
    svg.appendChild(el("text", { x: TESTER, y: 16, "text-anchor": "middle" }, "tester (mptcpdrill)"));
    svg.appendChild(el("text", { x: SUT, y: 16, "text-anchor": "middle" }, "SUT"));
    svg.appendChild(el("line", { "class": "life tester", x1: TESTER, y1: TOP - 14, x2: TESTER, y2: height - 6 }));
    svg.appendChild(el("line", { "class": "life sut", x1: SUT, y1: TOP - 14, x2: SUT, y2: height - 6 }));
    rows.forEach(function (r) {
      var s = r.s;
      svg.appendChild(el("text", { "class": "time", x: 4, y: r.y + 4 }, secs(s.us)));
      if (s.k === "in" || s.k === "out") arrow(svg, s.k, r.y, s.dump, "", s.line);
      else if (s.k === "call") {
        var g = el("g", { "class": "call", "data-line": s.line === null ? "" : s.line });
        var label = s.name + " = " + s.result + (s.line === null ? "" : "  (line " + s.line + ")");
        g.appendChild(el("rect", { x: SUT - 6 - label.length * 6.7, y: r.y - 11, width: label.length * 6.7 + 4, height: 15, rx: 3 }));
        g.appendChild(el("text", { x: SUT - 8, y: r.y, "text-anchor": "end" }, label));
        svg.appendChild(g);
      } else {
        var n = el("g", { "class": "note" });
        n.appendChild(el("text", { x: (TESTER + SUT) / 2, y: r.y, "text-anchor": "middle" }, clip(s.text.split("\\n")[0], 130)));
        svg.appendChild(n);
      }
    });
    if (f && failY !== null) {
      svg.appendChild(el("text", { "class": "time", x: 4, y: failY + 4 }, f.us === null ? "" : secs(f.us)));
      var what = (f.line === null ? "" : "line " + f.line + ": ") + f.kind + " mismatch";
      if (f.scriptPacket !== null) arrow(svg, "out", failY, "expected: " + f.scriptPacket, "expected mismatch", f.line);
      else svg.appendChild(el("text", { "class": "mismatch-label", x: (TESTER + SUT) / 2, y: failY, "text-anchor": "middle", fill: "#c00" }, what));
      if (f.livePacket !== null) arrow(svg, "out", failY + GAP, "actual: " + f.livePacket, "actual mismatch", f.line);
      else svg.appendChild(el("text", { "class": "mismatch-label", x: (TESTER + SUT) / 2, y: failY + GAP, "text-anchor": "middle", fill: "#c00" }, clip(f.cause, 130)));
    }
    return svg;
  }

  // A capture under the page's own folder is linked relatively, so a report folder copied
  // elsewhere (a CI artifact) keeps working; any other absolute path as a file: URL.
  function captureHref(p) {
    var here = decodeURI(location.pathname).replace(/[^\\/]*$/, "");
    if (location.protocol === "file:" && p.indexOf(here) === 0) return encodeURI(p.slice(here.length));
    return /^\\//.test(p) ? "file://" + encodeURI(p) : encodeURI(p);
  }

  function detail(job) {
    var box = h("div");
    var facts = h("div", "facts");
    facts.textContent = job.file + " [" + job.variant + "] " + job.verdict + " in " + fmtMs(job.ms) + (job.seed === null ? "" : ", seed " + job.seed);
    box.appendChild(facts);
    if (job.capture !== null) {
      var a = h("a", "capture", "capture: " + job.capture);
      a.href = captureHref(job.capture);
      a.setAttribute("download", "");
      box.appendChild(a);
    }
    if (job.known !== null) box.appendChild(h("div", "facts", "known difference (" + job.known.kind + ", line " + job.known.line + "): " + job.known.reason));
    if (job.failure) {
      var f = job.failure, lines = [f.cause];
      if (f.field !== null) lines.push("field: " + f.field + "   expected: " + f.expected + "   actual: " + f.actual);
      if (f.detail !== f.cause) lines.push(f.detail);
      if (f.scriptPacket !== null) lines.push("script packet: " + f.scriptPacket);
      if (f.livePacket !== null) lines.push("actual packet: " + f.livePacket);
      box.appendChild(h("div", "mismatch-box", lines.join("\\n")));
    } else if (job.message !== null) box.appendChild(h("div", "mismatch-box", job.message));
    if (job.steps.length === 0 && !job.failure) box.appendChild(h("p", "facts", "No packets or system calls were recorded for this job."));
    else {
      box.appendChild(h("div", "facts", "Arrows carry the packets as they crossed the wire (live sequence numbers and keys); the red band shows the failing packet beside the script's, both mapped into the script's numbers."));
      box.appendChild(ladder(job));
    }
    return box;
  }

  function toggle(i, tr) {
    var next = tr.nextSibling;
    if (next && next.classList && next.classList.contains("detail")) { next.remove(); return; }
    var d = h("tr", "detail"), td = h("td");
    td.colSpan = 6;
    td.appendChild(detail(jobs[i]));
    d.id = "job-" + (i + 1) + "-detail";
    d.appendChild(td);
    tr.parentNode.insertBefore(d, tr.nextSibling);
  }

  var frag = document.createDocumentFragment();
  jobs.forEach(function (job, i) {
    var tr = h("tr", "job v-row-" + job.verdict);
    tr.id = "job-" + (i + 1);
    tr.dataset.verdict = job.verdict;
    tr.dataset.text = (job.file + " " + job.variant + " " + (job.message || "")).toLowerCase();
    [String(i + 1), job.verdict, job.file, job.variant, fmtMs(job.ms), job.message || ""].forEach(function (t, c) {
      var td = h("td", c === 1 ? "badge v-" + job.verdict : c === 5 ? "msg" : "", t);
      if (c === 5) td.title = t;
      tr.appendChild(td);
    });
    tr.addEventListener("click", function () { toggle(i, tr); });
    frag.appendChild(tr);
  });
  body.appendChild(frag);

  function applyFilter() {
    var q = document.getElementById("q").value.toLowerCase();
    var on = {};
    document.querySelectorAll("input.vf").forEach(function (c) { on[c.value] = c.checked; });
    var shown = 0;
    body.querySelectorAll("tr.job").forEach(function (tr) {
      var vis = on[tr.dataset.verdict] && (q === "" || tr.dataset.text.indexOf(q) >= 0);
      tr.hidden = !vis;
      var next = tr.nextSibling;
      if (next && next.classList && next.classList.contains("detail")) next.hidden = !vis;
      if (vis) shown++;
    });
    document.getElementById("shown").textContent = shown + " of " + jobs.length + " jobs shown";
  }
  document.getElementById("q").addEventListener("input", applyFilter);
  document.querySelectorAll("input.vf").forEach(function (c) { c.addEventListener("change", applyFilter); });
  applyFilter();

  function openFromHash() {
    var m = /^#job-(\\d+)$/.exec(location.hash);
    if (!m) return;
    var tr = document.getElementById("job-" + m[1]);
    if (!tr) return;
    // A link to one job shows that script's rows only, the job's ladder open, at the top.
    document.getElementById("q").value = jobs[Number(m[1]) - 1].file.toLowerCase();
    applyFilter();
    if (!document.getElementById("job-" + m[1] + "-detail")) toggle(Number(m[1]) - 1, tr);
  }
  window.addEventListener("hashchange", openFromHash);
  openFromHash();
  // How long the page took to become usable (ms since navigation), for the tests and the curious.
  document.body.dataset.readyMs = String(Math.round(performance.now()));
})();
`;
