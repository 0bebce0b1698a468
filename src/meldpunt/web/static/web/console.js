/* Keyboard shortcuts for the console. Keys never fire while typing in a field. */
(function () {
  "use strict";
  var pending = "";
  function typing(e) {
    var t = e.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr[data-href]")); }
  function select(delta) {
    var all = rows(); if (!all.length) return;
    var current = all.findIndex(function (r) { return r.classList.contains("selected"); });
    var next = Math.max(0, Math.min(all.length - 1, current + delta));
    all.forEach(function (r) { r.classList.remove("selected"); r.removeAttribute("aria-selected"); });
    all[next].classList.add("selected"); all[next].setAttribute("aria-selected", "true");
    var link = all[next].querySelector("a"); if (link) link.focus();
  }
  function focus(id) {
    var el = document.getElementById(id);
    if (el) { el.scrollIntoView({block: "center"}); el.focus(); }
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
    var key = e.key;
    if (pending === "g") { pending = ""; if (key === "q") { location.href = "/console/"; } return; }
    if (key === "g") { pending = "g"; return; }
    if (key === "?") { var d = document.getElementById("shortcuts"); if (d && d.showModal) d.showModal(); e.preventDefault(); return; }
    if (document.querySelector("table.queue")) {
      if (key === "j") { select(1); e.preventDefault(); }
      else if (key === "k") { select(-1); e.preventDefault(); }
      else if (key === "/") { var f = document.querySelector("form.filters select, form.filters input:not([type=hidden])"); if (f) { f.focus(); e.preventDefault(); } }
      else if (/^[1-9]$/.test(key)) { var tabs = document.querySelectorAll("nav.tabs a"); if (tabs[+key - 1]) location.href = tabs[+key - 1].href; }
      return;
    }
    if (key === "r" || key === "n") {
      var radio = document.querySelector('input[name=visibility][value="' + (key === "r" ? "public" : "note") + '"]');
      if (radio) radio.checked = true;
      focus("id_body"); e.preventDefault();
    } else if (key === "s") { focus("id_status"); e.preventDefault(); }
    else if (key === "p") { focus("id_priority"); e.preventDefault(); }
    else if (key === "a") { focus("id_assignee"); e.preventDefault(); }
  });
  /* Enter on a selected row is the focused link itself; a click anywhere on a row opens it. */
  document.addEventListener("click", function (e) {
    var row = e.target.closest && e.target.closest("tr[data-href]");
    if (row && !e.target.closest("a, button, input, select")) location.href = row.dataset.href;
  });
})();
