/* Officer workspace: action dialogs (focus in, focus back), 4xx answers shown in place, the counter's
   keyboard shortcuts and receipt printing. Everything works without it, one page per step. */
(function () {
  "use strict";
  var opener = null;

  // A refusal (4xx) carries the service's message: show it where the form was.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status >= 400 && status < 500) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-opens-dialog")) opener = elt;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "action-dialog") return;
    if (!target.open) target.showModal();
    var focus = target.querySelector("#dialog-error") ||
      target.querySelector("[aria-invalid=true]") ||
      target.querySelector(".dialog-fields input:not([type=hidden]), .dialog-fields select, .dialog-fields textarea") ||
      target.querySelector(".dialog-actions button[type=submit]");
    if (focus) focus.focus();
  });

  document.addEventListener("close", function (event) {
    if (event.target.id === "action-dialog") {
      event.target.innerHTML = "";
      if (opener) opener.focus();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-close-dialog]");
    if (el) {
      var dialog = el.closest("dialog");
      if (dialog) dialog.close();
      return;
    }
    var all = event.target.closest("[data-check-all]");
    if (all) {
      document.querySelectorAll(all.getAttribute("data-check-all") + " input[type=checkbox]").forEach(function (box) {
        box.checked = true;
      });
      return;
    }
    // The form in a tab of its own, with what is typed so far. Not a GET submit with formtarget: htmx
    // takes over the dialog form's submit (formtarget ignored) and would swap the preview in place of
    // the dialog; nor the form's default button, which Enter in a field must leave to "Xác nhận".
    var tab = event.target.closest("[data-preview-tab]");
    if (tab && tab.closest("form")) {
      var params = new URLSearchParams();
      new FormData(tab.closest("form")).forEach(function (value, key) {
        if (key !== "csrfmiddlewaretoken" && typeof value === "string") params.append(key, value);
      });
      window.open(tab.getAttribute("data-preview-tab") + "?" + params.toString(), "_blank", "noopener");
      return;
    }
    var print = event.target.closest("[data-print-frame]");
    if (print) {
      var frame = document.getElementById(print.getAttribute("data-print-frame"));
      try { frame.contentWindow.focus(); frame.contentWindow.print(); }
      catch (e) { window.open(frame.src, "_blank"); }
    }
  });

  // Counter: ↓ from the search box into the suggestions, ↑/↓ between them.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var list = document.querySelector("[data-suggestions]");
    if (!list) return;
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    if (!links.length) return;
    var index = links.indexOf(document.activeElement);
    if (document.activeElement && document.activeElement.id === "procedure-q") {
      if (event.key === "ArrowDown") { links[0].focus(); event.preventDefault(); }
      return;
    }
    if (index < 0) return;
    event.preventDefault();
    if (event.key === "ArrowDown") links[Math.min(index + 1, links.length - 1)].focus();
    else if (index === 0) document.getElementById("procedure-q").focus();
    else links[index - 1].focus();
  });

  // A second click must not receive the same papers twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches(".reception-form")) return;
    var button = form.querySelector(".submit-bar button[type=submit]");
    if (button) setTimeout(function () { button.disabled = true; }, 0);
  });

  // Reception: after a refusal, go to the message.
  document.addEventListener("DOMContentLoaded", function () {
    var error = document.getElementById("reception-error");
    if (error) error.focus();
  });
})();
