// The menu button of a compact header (a page made for a phone): on a narrow screen the languages, the
// account and the navigation are hidden behind it; the button says whether they are open (aria-expanded).
// Without this script nothing is hidden and the button stays hidden.
(function () {
  "use strict";
  function start() {
    var header = document.querySelector(".site-header.compact");
    var button = header && header.querySelector(".menu-button");
    if (!button) return;
    var panels = button.getAttribute("aria-controls").split(" ").map(function (id) {
      return document.getElementById(id);
    });
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      panels.forEach(function (panel) { if (panel) panel.classList.toggle("open", open); });
    }
    button.hidden = false;
    header.classList.add("with-menu");
    show(false);
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        show(false);
        button.focus();
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
