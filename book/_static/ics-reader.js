// The reader's pages. Explore: the filter panes that DataTables draws scroll inside boxes;
// each box is made a labelled, focusable region so keyboard users can scroll it (WCAG 2.1.1).
(function () {
  "use strict";
  function label(box) {
    var pane = box.closest(".dtsp-searchPane");
    var input = pane && pane.querySelector("input.dtsp-search");
    return (input && input.placeholder ? input.placeholder + ": " : "") + "filter options";
  }
  function fix(root) {
    root.querySelectorAll(".dt-scroll-body:not([tabindex])").forEach(function (box) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", label(box));
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!document.querySelector("#ics-explore")) return;
    new MutationObserver(function () { fix(document); }).observe(document.body, { childList: true, subtree: true });
    fix(document);
  });
})();

// The compare page: show the two systems chosen in the form, keep the choice in the address
// (?a=...&b=...), and leave the full table of every system in place when scripts do not run.
// It reads ids only from the page's own <option> elements and writes text, never markup.
(function () {
  "use strict";
  function setUp(root) {
    var form = root.querySelector(".ics-compare-form");
    var first = root.querySelector("#ics-compare-a");
    var second = root.querySelector("#ics-compare-b");
    var note = root.querySelector(".ics-compare-link");
    if (!form || !first || !second) return;
    var known = Array.prototype.map.call(first.options, function (o) { return o.value; });
    var params = new URLSearchParams(window.location.search);
    if (known.indexOf(params.get("a")) >= 0) first.value = params.get("a");
    if (known.indexOf(params.get("b")) >= 0) second.value = params.get("b");
    form.hidden = false;

    function apply(updateAddress) {
      var chosen = [first.value, second.value];
      root.querySelectorAll(".ics-compare-table").forEach(function (table) { table.classList.add("ics-two"); });
      root.querySelectorAll("[data-system]").forEach(function (cell) {
        cell.hidden = chosen.indexOf(cell.getAttribute("data-system")) < 0;
      });
      // The columns read in the order chosen: the first system's cell, then the second's, at the
      // end of every row (the others are hidden, so only the two shown change place).
      root.querySelectorAll("tr").forEach(function (row) {
        chosen.forEach(function (id) {
          Array.prototype.forEach.call(row.children, function (cell) {
            if (cell.getAttribute("data-system") === id) row.appendChild(cell);
          });
        });
      });
      var query = "?a=" + encodeURIComponent(first.value) + "&b=" + encodeURIComponent(second.value);
      if (updateAddress && window.history && window.history.replaceState) {
        window.history.replaceState(null, "", query + window.location.hash);
      }
      if (note) {
        note.textContent = "Showing " + first.options[first.selectedIndex].text + " and " +
          second.options[second.selectedIndex].text + ". The address of this page now links to this comparison.";
      }
    }
    first.addEventListener("change", function () { apply(true); });
    second.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
    apply(false);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".ics-compare").forEach(setUp);
  });
})();

// Search from a file: a browser refuses to let a page opened from a file read other files, so
// Sphinx's search cannot fetch the passages it shows under each result (and logs an error per
// result). There, search lists pages by title only and the page says how to see passages too.
(function () {
  "use strict";
  if (window.location.protocol !== "file:") return;
  // Sphinx declares DOCUMENTATION_OPTIONS with const: a global, but not a property of window.
  function titlesOnly() {
    if (typeof DOCUMENTATION_OPTIONS !== "undefined") DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
  }
  titlesOnly();
  document.addEventListener("DOMContentLoaded", function () {
    titlesOnly();
    var results = document.getElementById("search-results");
    if (!results) return;
    var note = document.createElement("p");
    note.className = "ics-search-note";
    note.textContent = "This book was opened from a file, so search lists the pages that match by their " +
      "titles only. To see the matching passages too, serve the book's folder (for example with " +
      "`python3 -m http.server` in it, or `make serve` in the project) and open http://localhost:8000.";
    results.parentNode.insertBefore(note, results);
  });
})();
