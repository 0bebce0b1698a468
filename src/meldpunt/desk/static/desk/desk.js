/* The desk's parts of the console ticket page: a running timer that survives a reload
   (localStorage, one key per ticket) and fills the booking form when stopped; buttons that
   insert text (an article's link) into the reply box; the "m" key for reply templates. */
(function () {
  "use strict";
  /* htmx swaps 2xx only; a form re-rendered with its errors answers 400 and must show. */
  if (window.htmx) { htmx.config.responseHandling.unshift({code: "400", swap: true, error: false}); }

  function panel() { return document.getElementById("time-panel"); }
  function key(p) { return "meldpunt.timer." + p.dataset.ticket; }
  function started(p) { var v = +localStorage.getItem(key(p)); return v > 0 ? v : null; }
  function clock(ms) {
    var s = Math.floor(ms / 1000), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    return (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(s % 60).padStart(2, "0");
  }
  function show() {
    var p = panel(); if (!p) return;
    var button = p.querySelector("[data-timer]"), out = p.querySelector("#timer-shown"), since = started(p);
    button.textContent = since ? button.dataset.stop : button.dataset.start;
    button.setAttribute("aria-pressed", since ? "true" : "false");
    out.textContent = since ? clock(Date.now() - since) : "";
  }
  function toggle(p) {
    var since = started(p);
    if (!since) { localStorage.setItem(key(p), String(Date.now())); show(); return; }
    localStorage.removeItem(key(p));
    var minutes = p.querySelector("input[name$=minutes]"), from = p.querySelector("input[name$=started_at]");
    minutes.value = Math.max(1, Math.ceil((Date.now() - since) / 60000));
    if (from) from.value = new Date(since).toISOString();
    show(); minutes.focus();
  }
  function insert(text) {
    var box = document.getElementById("id_body"); if (!box) return;
    var at = box.selectionStart != null ? box.selectionEnd : box.value.length;
    var before = box.value.slice(0, at), pad = before && !/\s$/.test(before) ? " " : "";
    box.setRangeText(pad + text, at, at, "end");
    box.focus();
  }
  document.addEventListener("click", function (e) {
    var t = e.target.closest && e.target.closest("[data-timer], [data-insert-text]");
    if (!t) return;
    if (t.dataset.timer) toggle(t.closest("#time-panel")); else insert(t.dataset.insertText);
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey || (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))) return;
    if (e.key === "m") {
      var picker = document.getElementById("macro-select");
      if (picker) { picker.scrollIntoView({block: "center"}); picker.focus(); e.preventDefault(); }
    }
  });
  /* After a macro is inserted the message box is new: put the cursor at its end. */
  document.addEventListener("htmx:afterSettle", function (e) {
    var box = document.getElementById("id_body"), path = e.detail && e.detail.pathInfo && e.detail.pathInfo.requestPath;
    if (box && /\/macro\//.test(path || "")) { box.focus(); box.setSelectionRange(box.value.length, box.value.length); }
    show();
  });
  window.addEventListener("storage", show);
  setInterval(show, 1000);
  show();
})();
