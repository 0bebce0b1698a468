/* Small behaviour for every page, from a static file so the Content-Security-Policy needs no
   inline script: a <select data-autosubmit> sends its form when it changes (the language
   switch, a booking's length), and the new request form shows the incident fields for an
   incident only. */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
  });
  function incidentFields() {
    var kind = document.getElementById("id_kind"), box = document.getElementById("incident-fields");
    if (!kind || !box) return;
    function sync() { box.hidden = kind.value !== "incident"; }
    kind.addEventListener("change", sync); sync();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", incidentFields);
  else incidentFields();

  /* The navigation (web/_nav.html): the phone's "Menu" button folds the menu; one <details>
     menu open at a time, closed by Escape or a click elsewhere. */
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (e) {
    var toggle = e.target.closest && e.target.closest(".menu-toggle");
    if (toggle) {
      var header = document.getElementById("site-header"), open = !header.classList.contains("open");
      header.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    document.querySelectorAll("details.dropdown[open]").forEach(function (d) {
      if (!d.contains(e.target)) d.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    document.querySelectorAll("details.dropdown[open]").forEach(function (d) {
      d.removeAttribute("open");
      d.querySelector("summary").focus();
    });
  });
})();
