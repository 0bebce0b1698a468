/* The time page's timer (billing/ticket_time.html): it fills in the minutes; nothing is stored until "Book time". */
(function () {  // a running timer that fills in the minutes; nothing is stored until "Book time"
  var button = document.getElementById("timer"), shown = document.getElementById("elapsed"), started = null, tick = null;
  var minutes = document.getElementById("id_minutes");
  button.addEventListener("click", function () {
    if (started === null) {
      started = Date.now(); button.textContent = button.dataset.stop;
      tick = setInterval(function () { shown.textContent = Math.floor((Date.now() - started) / 60000) + " min"; }, 1000);
    } else {
      clearInterval(tick); minutes.value = Math.max(1, Math.ceil((Date.now() - started) / 60000));
      started = null; button.textContent = button.dataset.start;
    }
  });
})();
