// Live refresh for bench's dashboard: every few seconds the page's <main> is fetched
// again and swapped in, unless the reader is typing, has text selected or has opened a
// <details>. The pages work without it; the button turns it off (remembered).
(function () {
  "use strict";
  var PERIOD_MS = 3000;
  var KEY = "bench-dashboard-live";
  var button = document.getElementById("live");
  if (!button || !window.fetch || !window.DOMParser) return;
  var on = localStorage.getItem(KEY) !== "off";
  button.hidden = false;
  function show() {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.title = on ? "Live refresh is on; click to stop" : "Live refresh is off; click to start";
  }
  show();
  button.addEventListener("click", function () {
    on = !on;
    localStorage.setItem(KEY, on ? "on" : "off");
    show();
  });
  function busy() {
    var a = document.activeElement;
    if (a && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(a.tagName)) return true;
    var sel = window.getSelection && window.getSelection();
    if (sel && String(sel).length > 0) return true;
    return document.querySelector("main details[open]") !== null;
  }
  function tick() {
    if (!on || document.hidden || busy()) return;
    fetch(location.href, { credentials: "same-origin", headers: { "X-Bench-Live": "1" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (text) {
        if (!text || busy()) return;
        var fresh = new DOMParser().parseFromString(text, "text/html").querySelector("main");
        var main = document.querySelector("main");
        if (fresh && main) main.replaceWith(fresh);
      })
      .catch(function () {});
  }
  setInterval(tick, PERIOD_MS);
})();
