// The queue's bulk actions: the row checkboxes belong to #bulk-form (form="bulk-form").
// While any row is ticked, the queue's 15-second refresh waits, so a selection is not lost.
(function () {
  "use strict";
  function ticked() { return document.querySelectorAll('input[name="tickets"][form="bulk-form"]:checked').length; }
  function show() {
    var out = document.getElementById("bulk-count");
    if (out) { var n = ticked(); out.textContent = n ? n + " ✓" : ""; }
  }
  document.addEventListener("change", function (e) {
    if (e.target && e.target.name === "tickets") show();
    if (e.target && e.target.id === "bulk-all") {
      var boxes = document.querySelectorAll('input[name="tickets"][form="bulk-form"]');
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = e.target.checked;
      show();
    }
  });
  document.addEventListener("htmx:beforeRequest", function (e) {
    if (e.target && e.target.id === "queue-rows" && ticked()) e.preventDefault();
  });
})();
