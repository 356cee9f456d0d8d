// Ask before a form with data-confirm="…" is sent (no inline onsubmit: the Content Security
// Policy allows only scripts from this site's files).
document.addEventListener("submit", function (event) {
  "use strict";
  var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);
