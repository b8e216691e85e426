/* Kiosk screens: a full-screen button for the calling display; 4xx answers of htmx requests are
   swapped in (they carry the Vietnamese message). Everything works without it. */
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status >= 400 && status < 500) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-fullscreen]") : null;
    if (!button || !document.documentElement.requestFullscreen) return;
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(function () {});
  });
})();
