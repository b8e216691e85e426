/* Every page of the site: behaviour that used to sit in inline handlers, which the
   Content-Security-Policy (no 'unsafe-inline' scripts) no longer runs. Everything works without it. */
(function () {
  "use strict";

  // The language menu applies the choice at once (a button stands in for it without JavaScript).
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) select.form.submit();
  });

  // A button marked data-print prints the page (the recovery codes).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) window.print();
  });

  // A region marked data-swap-4xx shows a 4xx answer of its htmx request in place: the answer
  // carries the message to show (a lookup's "not found", a refused input).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var status = event.detail.xhr.status;
    if (target && target.closest && target.closest("[data-swap-4xx]") && status >= 400 && status < 500) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
