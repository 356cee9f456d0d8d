/* The run sheet: rendered from one JSON state (initial page and every live event alike),
 * so what an observer sees after events is what a fresh page load shows. */
(function () {
  "use strict";
  var root = document.getElementById("runsheet");
  if (!root) return;
  var i18n = document.getElementById("i18n").dataset;
  var holdingId = parseInt(root.dataset.holding, 10);
  var actionUrl = root.dataset.actionUrl;
  var state = JSON.parse(document.getElementById("runsheet-state").textContent);
  var stateSeq = 0;
  var list = root.querySelector("[data-bind=items]");
  var errorBox = root.querySelector("[data-bind=error]");
  var template = document.getElementById("step-template");
  var drafts = {};  // unsaved notes typed by the operator, kept across re-renders

  function fmt(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function elapsed(item) {
    if (!item.started_at) return 0;
    var end = item.finished_at ? new Date(item.finished_at) : new Date();
    return (end - new Date(item.started_at)) / 1000;
  }

  function render() {
    root.querySelector("[data-bind=state]").textContent = i18n[state.state] || state.state;
    root.querySelector("[data-bind=state]").className = "badge state-" + state.state;
    root.dataset.state = state.state;
    root.dataset.version = state.version;
    var focused = document.activeElement && document.activeElement.classList.contains("note")
      ? document.activeElement.closest("[data-item]").dataset.item : null;
    list.textContent = "";
    state.items.forEach(function (item) {
      var li = template.content.firstElementChild.cloneNode(true);
      li.dataset.item = item.id;
      li.dataset.status = item.status;
      li.classList.add("status-" + item.status);
      li.querySelector(".content").textContent = item.content;
      li.querySelector(".status").textContent = i18n[item.status];
      var meta = [];
      if (item.presenter) meta.push(i18n.presenter + ": " + item.presenter);
      if (item.advisory.length) meta.push(i18n.advisory + ": " + item.advisory.join(", "));
      li.querySelector(".meta").textContent = meta.join(" · ");
      li.querySelector(".method").textContent = item.method;
      li.querySelector(".allotted").textContent = item.minutes + " " + i18n.minutes;
      li.querySelector(".elapsed").textContent = fmt(elapsed(item));
      if (elapsed(item) > item.minutes * 60) li.classList.add("overtime");
      li.querySelector(".decision").textContent = item.decision ? i18n.decided + ": " + item.decision : "";
      var controls = li.querySelector(".controls");
      if (!actionUrl) {
        controls.remove();
      } else {
        var note = li.querySelector(".note");
        note.value = drafts[item.id] !== undefined ? drafts[item.id] : item.decision;
        note.dataset.version = item.version;
        note.addEventListener("input", function () { drafts[item.id] = note.value; });
        li.querySelector("[data-item-action=item_start]").disabled =
          state.state !== "running" || item.status !== "pending";
        li.querySelector("[data-item-action=item_done]").disabled = item.status !== "running";
      }
      list.appendChild(li);
    });
    if (focused) {
      var again = list.querySelector('[data-item="' + focused + '"] .note');
      if (again) again.focus();
    }
    var start = root.querySelector("[data-action=start]");
    var finish = root.querySelector("[data-action=finish]");
    if (start) start.disabled = state.state !== "scheduled";
    if (finish) finish.disabled = state.state !== "running";
  }

  function apply(newState, seq) {
    if (seq && seq < stateSeq) return;  // an older snapshot never replaces a newer one
    if (seq) stateSeq = seq;
    state = newState;
    render();
  }

  function showError(message) {
    errorBox.textContent = message || "";
    errorBox.hidden = !message;
  }

  function act(body) {
    showError("");
    DientapLive.postJSON(actionUrl, body).then(function (data) {
      if (data.error) showError(data.error);
      if (body.action === "item_note" && !data.error) delete drafts[body.item];
      if (data.state) apply(data.state, 0);
    }).catch(function () { showError(i18n.reconnecting); });
  }

  root.addEventListener("click", function (ev) {
    var button = ev.target.closest("button");
    if (!button || !actionUrl) return;
    if (button.dataset.action) act({ action: button.dataset.action });
    if (button.dataset.itemAction) {
      var li = button.closest("[data-item]");
      var body = { action: button.dataset.itemAction, item: parseInt(li.dataset.item, 10) };
      if (body.action === "item_note") {
        var note = li.querySelector(".note");
        body.decision = note.value;
        body.version = parseInt(note.dataset.version, 10);
      }
      act(body);
    }
  });

  function reload() {
    fetch(root.dataset.stateUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) { apply(s, 0); });
  }

  render();
  setInterval(function () {
    if (state.state === "running") {
      list.querySelectorAll("[data-status=running]").forEach(function (li) {
        var item = state.items.filter(function (i) { return String(i.id) === li.dataset.item; })[0];
        if (item) {
          li.querySelector(".elapsed").textContent = fmt(elapsed(item));
          li.classList.toggle("overtime", elapsed(item) > item.minutes * 60);
        }
      });
    }
  }, 1000);

  DientapLive.connect(root.dataset.eventsUrl, {
    runsheet: function (payload, seq) {
      if (payload.holding === holdingId) apply(payload.state, seq);
    },
  }, { onFresh: reload });
})();
