/* bdigest-data site: sortable, filterable tables and the evidence reader's row pop-ups.
   Plain JavaScript, no library, nothing fetched: works from file:// and any host. */
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  var textOf = function (cell) { return cell ? cell.textContent.trim() : ""; };

  /* --- tables: click a column name to sort, type to filter ------------------------- */
  each(document.querySelectorAll("table.sortable"), function (table) {
    var body = table.tBodies[0];
    var heads = table.tHead.rows[0].cells;
    each(heads, function (th, col) {
      var button = th.querySelector("button.sort");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        each(heads, function (h) { if (h.hasAttribute("aria-sort")) { h.setAttribute("aria-sort", "none"); } });
        th.setAttribute("aria-sort", dir);
        var rows = Array.prototype.slice.call(body.rows);
        var numeric = rows.every(function (r) {
          var t = textOf(r.cells[col]); return t === "" || !isNaN(Number(t));
        });
        rows.sort(function (a, b) {
          var x = textOf(a.cells[col]), y = textOf(b.cells[col]);
          if (x === "" || y === "") { return (x === "") - (y === ""); }  /* empty last */
          var c = numeric ? Number(x) - Number(y) : x.localeCompare(y, undefined, { numeric: true });
          return dir === "ascending" ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });

  each(document.querySelectorAll("input.filter"), function (input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    var count = document.getElementById("count");
    var apply = function () {
      var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      each(table.tBodies[0].rows, function (row) {
        var hay = row.textContent.toLowerCase();
        var ok = terms.every(function (t) { return hay.indexOf(t) >= 0; });
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      if (count) { count.textContent = shown + " of " + table.tBodies[0].rows.length + " rows"; }
    };
    input.addEventListener("input", apply);
    apply();
  });

  /* --- article reader: a highlight shows its rows on hover and focus ----------------- */
  var marks = document.querySelectorAll("mark[data-rows], mark[data-asides]");
  if (!marks.length) { return; }
  var pop = document.createElement("span");
  pop.className = "pop";
  pop.id = "pop";
  pop.setAttribute("role", "tooltip");
  pop.hidden = true;
  var current = null, timer = null;

  var keys = function (mark) {
    return ((mark.getAttribute("data-rows") || "") + " " + (mark.getAttribute("data-asides") || ""))
      .split(" ").filter(Boolean);
  };
  var light = function (ids, on) {
    each(marks, function (m) {
      if (keys(m).some(function (k) { return ids.indexOf(k) >= 0; })) { m.classList.toggle("on", on); }
    });
  };
  var hide = function () {
    if (current) { light(keys(current), false); current.removeAttribute("aria-describedby"); }
    current = null;
    pop.hidden = true;
  };
  var show = function (mark) {
    clearTimeout(timer);
    if (current === mark) { return; }
    hide();
    var list = document.createElement("ol");
    keys(mark).forEach(function (key) {
      var card = document.getElementById("card:" + key);
      if (!card) { return; }
      var item = card.cloneNode(true);
      item.removeAttribute("id");
      each(item.querySelectorAll("[id]"), function (el) { el.removeAttribute("id"); });
      each(item.querySelectorAll(".to-text"), function (el) { el.remove(); });
      list.appendChild(item);
    });
    pop.textContent = "";
    pop.appendChild(list);
    mark.after(pop);
    var r = mark.getBoundingClientRect();
    var width = Math.min(416, window.innerWidth * 0.92);
    var left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + window.innerWidth - width - 8));
    pop.style.left = left + "px";
    pop.style.top = (r.bottom + window.scrollY + 4) + "px";
    pop.hidden = false;
    mark.setAttribute("aria-describedby", "pop");
    current = mark;
    light(keys(mark), true);
  };
  var later = function () { clearTimeout(timer); timer = setTimeout(hide, 300); };

  each(marks, function (mark) {
    mark.addEventListener("mouseenter", function () { show(mark); });
    mark.addEventListener("mouseleave", later);
    mark.addEventListener("focus", function () { show(mark); });
    mark.addEventListener("click", function () { show(mark); });
  });
  pop.addEventListener("mouseenter", function () { clearTimeout(timer); });
  pop.addEventListener("mouseleave", later);
  document.addEventListener("focusin", function (e) {
    if (current && e.target !== current && !pop.contains(e.target) && !e.target.matches("mark")) { hide(); }
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { hide(); } });

  /* a deep link (#row-id) lights up the row's whole quote */
  var target = function () {
    each(document.querySelectorAll("mark.target"), function (m) { m.classList.remove("target"); });
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id) { return; }
    each(marks, function (m) { if (keys(m).indexOf(id) >= 0) { m.classList.add("target"); } });
  };
  window.addEventListener("hashchange", target);
  target();
}());
