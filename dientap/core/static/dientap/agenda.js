/* Drag and drop reordering of an agenda (the up/down buttons work without it). */
(function () {
  "use strict";
  var table = document.querySelector("table.agenda[data-reorder-url]");
  if (!table) return;
  var body = table.tBodies[0];
  var status = document.querySelector(".reorder-status");
  var dragged = null;

  body.addEventListener("dragstart", function (ev) {
    dragged = ev.target.closest("tr[data-id]");
    if (dragged) { dragged.classList.add("dragging"); ev.dataTransfer.effectAllowed = "move"; }
  });
  body.addEventListener("dragover", function (ev) {
    var over = ev.target.closest("tr[data-id]");
    if (!dragged || !over || over === dragged) return;
    ev.preventDefault();
    var after = ev.clientY > over.getBoundingClientRect().top + over.offsetHeight / 2;
    body.insertBefore(dragged, after ? over.nextSibling : over);
  });
  body.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("dragging");
    dragged = null;
    var order = Array.prototype.map.call(body.querySelectorAll("tr[data-id]"),
      function (tr) { return parseInt(tr.dataset.id, 10); });
    DientapLive.postJSON(table.dataset.reorderUrl, { order: order }).then(function (data) {
      if (data.error) { status.textContent = data.error; return; }
      window.location.reload();
    });
  });
})();
