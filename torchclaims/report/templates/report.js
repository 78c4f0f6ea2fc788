// Filters for the claims table: verdict, document, topic, device, text. Without this script
// the page shows every claim and every column; nothing here is needed to read it.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("matrix");
  if (!form || !table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var firstEnv = 2;  // claim, document, then one column per environment
  var envDevice = heads.slice(firstEnv).map(function (th) { return th.getAttribute("data-device"); });
  var texts = null;
  var shown = document.getElementById("shown");
  var shownDevice = "";
  var columnStyle = document.createElement("style");
  document.head.appendChild(columnStyle);

  function showColumns(device) {
    // with a device chosen, show only that device's columns: one style rule per hidden column
    var rules = [];
    envDevice.forEach(function (dev, i) {
      if (device && dev !== device) {
        rules.push("#matrix tr > :nth-child(" + (firstEnv + i + 1) + ") { display: none; }");
      }
    });
    columnStyle.textContent = rules.join("\n");
    shownDevice = device;
  }

  function hasWord(list, word) { return (" " + list + " ").indexOf(" " + word + " ") !== -1; }

  function cellMatches(row, verdict, device) {
    // a verdict in a column of the chosen device (any device when none is chosen)
    for (var i = 0; i < envDevice.length; i++) {
      if (device && envDevice[i] !== device) { continue; }
      var cell = row.cells[firstEnv + i];
      if (cell && cell.textContent === verdict) { return true; }
    }
    return false;
  }

  function apply() {
    var verdict = form.elements.verdict.value, doc = form.elements.doc.value;
    var topic = form.elements.topic.value, device = form.elements.device.value;
    var query = form.elements.q.value.trim().toLowerCase();
    if (query && texts === null) {
      texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
    }
    var count = 0;
    rows.forEach(function (row, index) {
      var ok = (!doc || row.getAttribute("data-doc") === doc)
        && (!topic || row.getAttribute("data-topic") === topic)
        && (!device || hasWord(row.getAttribute("data-devices"), device))
        && (!verdict || (hasWord(row.getAttribute("data-verdicts"), verdict) && cellMatches(row, verdict, device)))
        && (!query || texts[index].indexOf(query) !== -1);
      row.hidden = !ok;
      if (ok) { count++; }
    });
    if (device !== shownDevice) { showColumns(device); }
    shown.textContent = count + " of " + rows.length + " claims";
  }

  var timer = null;
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  Array.prototype.forEach.call(document.querySelectorAll("a.card[data-verdict]"), function (card) {
    card.addEventListener("click", function () { form.elements.verdict.value = card.getAttribute("data-verdict"); apply(); });
  });
  form.hidden = false;
})();
