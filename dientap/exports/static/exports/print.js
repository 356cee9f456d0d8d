// The "Print" button of the register pages (the print stylesheet lays the page out).
(function () {
  "use strict";
  if (window.dientapPrintBound) { return; }
  window.dientapPrintBound = true;
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (!button) { return; }
    event.preventDefault();
    window.print();
  });
})();
