/* Smart in Progress: the little script the pages need. No inline code anywhere (strict CSP). */
(function () {
  "use strict";

  // When htmx swaps new content in, the element that had focus (the button just pressed) is
  // gone and the browser drops focus to the page body: the next Tab would start over from
  // the top, or land in the footer. Focus goes to the new content instead, so keyboard users
  // continue from there and screen readers read what changed: its status message first
  // (role="status" or "alert"), else its first heading, else the content itself.
  function landingIn(content) {
    return (
      content.querySelector('[role="status"], [role="alert"]') ||
      content.querySelector("h1, h2, h3, h4, h5, h6") ||
      content
    );
  }

  // htmx fires afterSettle on each element it swapped in (for an outerHTML swap, the new one).
  document.addEventListener("htmx:afterSettle", function (event) {
    var content = event.target;
    // Content loaded by itself (the bell's unread count) is no answer to the reader: leave focus where it is.
    if (!(content instanceof HTMLElement) || !content.isConnected || content.hasAttribute("data-keep-focus")) {
      return;
    }
    var landing = landingIn(content);
    if (!landing.hasAttribute("tabindex")) {
      landing.setAttribute("tabindex", "-1");
    }
    landing.focus();
  });

  // A "Print" button (the attendance sheet): no inline handler under the strict CSP.
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-print]");
    if (button) {
      window.print();
    }
  });
})();
