// The claims table, drawn from the JSON embedded in the page (#claims-data). The data is read and
// the first rows built only when the table comes near the screen (or a filter is used), so a long
// page whose table is far below opens without that work; more rows are built as the table scrolls,
// a row's details when they are opened; the filters work on the data. Every text goes in through textContent or setAttribute, never as markup.
(function () {
  "use strict";
  var source = document.getElementById("claims-data");
  var form = document.getElementById("filters");
  var table = document.getElementById("matrix");
  if (!source || !form || !table) { return; }
  var data = null, S, V, E, claims;    // read from #claims-data on first use
  var FIRST = 20;                 // rows built first and after each filter: more than the table shows at once
  var PAGE = 60;                  // rows built at a time after that (show more, or scrolling near the end)
  var FIRST_ENV = 2;              // claim, document, then one column per environment
  var body = table.tBodies[0];
  var shown = document.getElementById("shown");
  var more = document.getElementById("more");
  var wrap = document.getElementById("matrix-wrap");
  var matches = [], drawn = 0, texts = null, shownDevice = "", started = false;
  var columnStyle = document.createElement("style");
  document.head.appendChild(columnStyle);

  function read() {
    if (data === null) {
      data = JSON.parse(source.textContent);
      S = data.strings; V = data.verdicts; E = data.envs; claims = data.claims;
    }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  function verdictName(v) { return v < 0 ? "" : V[v]; }
  function chip(v) { return el("span", "chip v-" + verdictName(v), verdictName(v)); }
  function lang(node, language) { node.setAttribute("lang", language || "und"); return node; }
  function docOf(c) { return data.docs[c.d] || { title: c.d, language: "" }; }
  function shortLine(version) { return version.split(".").slice(0, 2).join("."); }

  function pretty(text) {
    // long JSON values indented for reading, as the server-rendered parts do
    if (text.length <= 100) { return text; }
    try {
      var value = JSON.parse(text);
      return typeof value === "string" ? value : JSON.stringify(value, null, 1);
    } catch (e) { return text; }
  }

  function strip(device, cells) {
    // one cell per release line, coloured by verdict; the observation shows on hover and on focus
    var box = el("div", "strip");
    box.appendChild(el("span", "strip-dev", device));
    var list = el("span", "cells");
    list.setAttribute("role", "list");
    cells.forEach(function (cell) {
      var release = data.lines[cell[0]], v = cell[1], warned = S[cell[3]] || "";
      var note = "torch " + release + ": " + (v < 0 ? "not checked" : V[v] + (warned ? ", warns" : "")) +
        (v < 0 ? "" : "\n" + pretty(S[cell[2]])) + (warned ? "\nwarnings:\n" + warned : "");
      var node = el("span", "rel v-" + (v < 0 ? "none" : V[v]) + (warned ? " warns" : ""), shortLine(release));
      node.tabIndex = 0;
      node.setAttribute("role", "listitem");
      node.setAttribute("data-note", note);
      node.setAttribute("aria-label", note);
      list.appendChild(node);
    });
    box.appendChild(list);
    return box;
  }

  function group(g) {
    var box = el("div", "group");
    box.appendChild(chip(g[0]));
    if (g[1]) { box.appendChild(el("span", "muted", " (compared with the CPU)")); }
    box.appendChild(document.createTextNode(" "));
    box.appendChild(el("span", "envs", g[6] ? g[6].map(function (i) { return E[i].label; }).join("; ") : "everywhere it was checked"));
    var list = el("dl", "kv");
    list.appendChild(el("dt", null, "expected"));
    list.appendChild(el("dd")).appendChild(el("pre", null, pretty(S[g[2]])));
    list.appendChild(el("dt", null, "observed"));
    list.appendChild(el("dd")).appendChild(el("pre", null, pretty(S[g[3]])));
    if (S[g[4]]) {
      list.appendChild(el("dt", null, "message"));
      list.appendChild(el("dd", "why", S[g[4]]));
    }
    if (S[g[7]]) {
      list.appendChild(el("dt", null, "warnings"));
      list.appendChild(el("dd")).appendChild(el("pre", "warnings", S[g[7]]));
    }
    box.appendChild(list);
    if (S[g[5]]) {
      var trace = el("details", "tb");
      trace.appendChild(el("summary", null, "traceback"));
      trace.appendChild(el("pre", null, S[g[5]]));
      box.appendChild(trace);
    }
    return box;
  }

  function fillDetails(details, c) {
    if (c.h) {
      var history = el("div", "history");
      history.appendChild(el("div", "muted", "verdict on each torch release line (hover or focus a cell for the observation)"));
      c.h.forEach(function (s) { history.appendChild(strip(s[0], s[1])); });
      details.appendChild(history);
    }
    c.g.forEach(function (g) { details.appendChild(group(g)); });
  }

  function row(c) {
    var tr = el("tr");
    tr.setAttribute("data-key", c.k);
    var first = tr.appendChild(el("td", "claim-col"));
    first.appendChild(el("code", "cid", c.id));
    first.appendChild(el("div", "says", c.s));
    var details = first.appendChild(el("details"));
    details.appendChild(el("summary", null, "details"));
    details.addEventListener("toggle", function () {
      if (details.open && !details.filled) { details.filled = true; fillDetails(details, c); }
    });
    var doc = docOf(c);
    var second = tr.appendChild(el("td", "doc-col"));
    second.appendChild(lang(el("div", "doc-title", doc.title), doc.language));
    second.appendChild(el("div", "muted", [c.p, c.d, c.t].filter(Boolean).join(" · ")));
    if (c.f) { second.appendChild(el("div", "quoting", "quoting " + c.f[0])); }
    second.appendChild(lang(el("blockquote", null, S[c.q]), doc.language));
    c.c.forEach(function (v, i) {
      var warns = c.w && c.w.indexOf(i) >= 0;  // holds, but torch warned: the early sign of a break
      tr.appendChild(el("td", "cell v-" + (v < 0 ? "none" : V[v]) + (warns ? " warns" : ""),
                        v < 0 ? "—" : V[v] + (warns ? ", warns" : "")));
    });
    return tr;
  }

  function drawMore(count) {
    var end = Math.min(drawn + (typeof count === "number" ? count : PAGE), matches.length);
    var rows = document.createDocumentFragment();
    for (var i = drawn; i < end; i++) { rows.appendChild(row(matches[i])); }
    body.appendChild(rows);
    drawn = end;
    var left = matches.length - drawn;
    more.hidden = left <= 0;
    more.textContent = "show " + Math.min(PAGE, left) + " more (" + left + " not shown yet)";
  }

  function searchText(c) {
    var parts = [c.id, c.s, S[c.q], c.d, docOf(c).title, c.t, c.p];
    c.g.forEach(function (g) { parts.push(S[g[2]], S[g[3]], S[g[4]]); });
    return parts.join("\n").toLowerCase();
  }

  function showColumns(device) {
    // with a device chosen, show only that device's columns: one style rule per hidden column
    var rules = [];
    E.forEach(function (env, i) {
      if (device && env.device !== device) {
        rules.push("#matrix tr > :nth-child(" + (FIRST_ENV + i + 1) + ") { display: none; }");
      }
    });
    columnStyle.textContent = rules.join("\n");
    shownDevice = device;
  }

  function value(name) { return form.elements[name] ? form.elements[name].value : ""; }

  function apply() {
    read();
    var verdict = V.indexOf(value("verdict")), doc = value("doc"), topic = value("topic");
    var device = value("device"), project = value("project");
    var query = value("q").trim().toLowerCase();
    if (!value("verdict")) { verdict = -1; }
    if (query && texts === null) { texts = claims.map(searchText); }
    matches = claims.filter(function (c, index) {
      if ((doc && c.d !== doc) || (topic && c.t !== topic) || (project && c.p !== project)) { return false; }
      if (device || verdict >= 0) {
        // a verdict (any, when none is chosen) in a column of the chosen device (any device when none is chosen)
        var found = false;
        for (var i = 0; i < E.length && !found; i++) {
          if (device && E[i].device !== device) { continue; }
          found = c.c[i] >= 0 && (verdict < 0 || c.c[i] === verdict);
        }
        if (!found) { return false; }
      }
      return !query || texts[index].indexOf(query) !== -1;
    });
    if (device !== shownDevice) { showColumns(device); }
    body.textContent = "";
    drawn = 0;
    started = true;
    drawMore(FIRST);
    shown.textContent = matches.length + " of " + claims.length + " claims";
  }

  var timer = null;
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  more.addEventListener("click", function () { drawMore(PAGE); });
  wrap.addEventListener("scroll", function () {
    // scrolling the table near its end builds the next rows; nothing more is built before the reader scrolls
    if (drawn < matches.length && wrap.scrollTop + wrap.clientHeight > wrap.scrollHeight - 600) { drawMore(PAGE); }
  }, { passive: true });
  Array.prototype.forEach.call(document.querySelectorAll("a.card[data-verdict]"), function (card) {
    card.addEventListener("click", function () { form.elements.verdict.value = card.getAttribute("data-verdict"); apply(); });
  });
  form.hidden = false;
  if ("IntersectionObserver" in window) {
    // the first rows are built when the table comes near the screen (at once where it is there at load):
    // a page whose table is below the screen opens without building any
    var near = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { near.disconnect(); if (!started) { apply(); } }
    }, { rootMargin: "200px" });   // built just before the table scrolls into view (20 rows: tens of ms)
    near.observe(wrap);
  } else {
    apply();
  }
})();
