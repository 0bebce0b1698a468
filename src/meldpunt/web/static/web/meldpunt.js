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
})();
