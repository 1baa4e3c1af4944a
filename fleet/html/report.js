// Sorts the report's tables (table.sortable) when a column header is
// clicked: numbers numerically, dates by time, text by its characters;
// a second click reverses. Each cell carries its sort key in
// data-sort-value, so sorting never parses what the cell shows. The
// headers become buttons only here, so without JavaScript the page shows
// plain tables in the order the report gave.
(function () {
  "use strict";

  function key(cell, type) {
    var v = cell.getAttribute("data-sort-value");
    if (v === null) {
      v = cell.textContent.trim();
    }
    if (type === "number") {
      return Number(v) || 0;
    }
    if (type === "date") {
      return Date.parse(v) || 0;
    }
    return v.toLowerCase();
  }

  function sortBy(table, th) {
    var type = th.getAttribute("data-sort");
    var column = th.cellIndex;
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    var sign = dir === "ascending" ? 1 : -1;
    var body = table.tBodies[0];
    var rows = Array.prototype.map.call(body.rows, function (row) {
      return { row: row, key: key(row.cells[column], type) };
    });
    // Array.prototype.sort is stable, so equal keys keep their last order.
    rows.sort(function (a, b) {
      return a.key < b.key ? -sign : a.key > b.key ? sign : 0;
    });
    rows.forEach(function (r) {
      body.appendChild(r.row);
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", dir);
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th[data-sort]").forEach(function (th) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) {
        button.appendChild(th.firstChild);
      }
      th.appendChild(button);
      button.addEventListener("click", function () {
        sortBy(table, th);
      });
    });
  });
})();
