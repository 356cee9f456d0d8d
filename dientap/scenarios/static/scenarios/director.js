/* The director's console: rendered from one JSON state (first load and after every event). */
(function () {
  "use strict";
  var root = document.getElementById("director");
  if (!root) return;
  var S = window.DientapScenario;
  var i18n = document.getElementById("i18n").dataset;
  var actionUrl = root.dataset.actionUrl;
  var state = JSON.parse(document.getElementById("director-state").textContent);
  var template = document.getElementById("situation-template");
  var errorBox = root.querySelector("[data-bind=error]");
  var clock = S.Clock(root, i18n);
  var retimeDrafts = {};

  function deliveryState(d) {
    if (d.handled_at) return "handled";
    if (d.acknowledged_at) return "acknowledged";
    return "issued";
  }

  function renderSituation(s) {
    var li = template.content.firstElementChild.cloneNode(true);
    li.dataset.situation = s.id;
    li.dataset.status = s.status;
    li.classList.add("sit-" + s.status);
    if (s.status === "issued" && !s.awaiting) li.classList.add("sit-done");
    li.querySelector(".when").textContent = s.time;
    var code = li.querySelector(".code");
    code.textContent = s.code;
    code.href = s.url;
    li.querySelector(".title").textContent = s.title;
    var badge = li.querySelector(".status");
    badge.textContent = s.status_label;
    badge.className = "badge status sit-badge-" + s.status;
    if (s.classification) {
      var secret = li.querySelector(".secret");
      secret.hidden = false;
      secret.textContent = s.classification_label;
    }
    var meta = [i18n.to + ": " + s.bodies.join(", "), s.handling_label];
    if (s.deadline_minutes) meta.push(i18n.deadline + " " + s.deadline_minutes + " " + i18n.min);
    if (s.depends_on) meta.push(i18n.waits + " " + s.depends_on);
    if (s.due_at) meta.push(i18n.due + " " + S.time(s.due_at));
    if (s.issued_at) meta.push(i18n.issued + " " + S.dateTime(s.issued_at) + (s.issued_by_clock ? " (" + i18n.byClock + ")" : ""));
    if (s.awaiting) meta.push(i18n.awaiting + " " + s.awaiting + "/" + s.deliveries.length);
    li.querySelector(".meta").textContent = meta.join(" · ");
    var list = li.querySelector(".deliveries");
    s.deliveries.forEach(function (d) {
      var item = document.createElement("li");
      var st = deliveryState(d);
      item.className = "delivery d-" + st + (d.late ? " late" : "");
      item.dataset.body = d.body;
      item.dataset.state = st;
      item.dataset.late = d.late ? "1" : "0";
      item.dataset.testid = "delivery";
      item.setAttribute("data-testid", "delivery");
      var text = d.body_name + ": " + i18n[st];
      if (st === "acknowledged") text += " " + S.time(d.acknowledged_at);
      if (st === "handled") text += " " + S.time(d.handled_at);
      if (d.late) text += " (" + i18n.late + ")";
      item.textContent = text;
      if (d.handling_text) item.title = d.handling_kind_label + ": " + d.handling_text;
      list.appendChild(item);
    });
    var controls = li.querySelector(".controls");
    if (!actionUrl || s.status === "issued") {
      controls.remove();
    } else {
      li.querySelector("[data-sit-action=hold]").hidden = s.status !== "scheduled";
      li.querySelector("[data-sit-action=schedule]").hidden = s.status === "scheduled";
      li.querySelector("[data-sit-action=skip]").hidden = s.status === "skipped";
      var retime = li.querySelector(".retime");
      retime.value = retimeDrafts[s.id] !== undefined ? retimeDrafts[s.id] : "";
      retime.addEventListener("input", function () { retimeDrafts[s.id] = retime.value; });
    }
    return li;
  }

  function render() {
    clock.set(state.clock);
    var speed = root.querySelector("[data-input=speed]");
    if (speed && document.activeElement !== speed) speed.value = state.clock.speed;
    var upcoming = root.querySelector("[data-bind=upcoming]");
    var issued = root.querySelector("[data-bind=issued]");
    upcoming.textContent = "";
    issued.textContent = "";
    state.upcoming.forEach(function (s) { upcoming.appendChild(renderSituation(s)); });
    state.issued.forEach(function (s) { issued.appendChild(renderSituation(s)); });
    if (!upcoming.children.length) {
      var empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = i18n.none;
      upcoming.appendChild(empty);
    }
    renderCounts();
    renderOverdue();
    renderMore();
    var log = root.querySelector("[data-bind=log]");
    log.textContent = "";
    state.log.forEach(function (entry) {
      var li = document.createElement("li");
      li.dataset.situation = entry.id;
      li.textContent = S.dateTime(entry.issued_at) + " · " + entry.code + " " + entry.title +
        (entry.by_clock ? " (" + i18n.byClock + ")" : "");
      log.appendChild(li);
    });
    var comm = root.querySelector("[data-bind=comm]");
    comm.textContent = "";
    if (state.comm_check) {
      var head = document.createElement("div");
      head.className = "muted small";
      head.textContent = i18n.sent + " " + S.dateTime(state.comm_check.sent_at);
      comm.appendChild(head);
      var table = document.createElement("ul");
      table.className = "comm-list";
      state.comm_check.bodies.forEach(function (b) {
        var li = document.createElement("li");
        li.dataset.body = b.body;
        li.dataset.confirmed = b.confirmed_at ? "1" : "0";
        li.setAttribute("data-testid", "comm-body");
        li.className = b.confirmed_at ? "ok" : "flag";
        li.textContent = b.name + ": " + (b.confirmed_at ? i18n.confirmed + " " + S.time(b.confirmed_at) : i18n.notConfirmed);
        table.appendChild(li);
      });
      comm.appendChild(table);
    }
  }

  /* The rest of the scenario as numbers; each count is a [data-count] (a dotted path). */
  function renderCounts() {
    root.querySelectorAll("[data-count]").forEach(function (el) {
      var value = el.dataset.count.split(".").reduce(function (o, k) { return o ? o[k] : undefined; }, state.counts);
      el.textContent = value === undefined ? "" : value;
    });
  }

  function renderOverdue() {
    var list = root.querySelector("[data-bind=overdue]");
    list.textContent = "";
    state.overdue_bodies.forEach(function (b) {
      var li = document.createElement("li");
      li.dataset.body = b.body;
      li.setAttribute("data-testid", "overdue-body");
      var a = document.createElement("a");
      a.href = b.console_url;
      a.textContent = b.name;
      li.appendChild(a);
      li.appendChild(document.createTextNode(": " + b.count + " · " + i18n.since + " " + S.time(b.oldest_due)));
      list.appendChild(li);
    });
    if (!list.children.length) {
      var li = document.createElement("li");
      li.className = "empty muted";
      li.textContent = i18n.none;
      list.appendChild(li);
    }
  }

  /* "N more: see the situation list" under each bounded list. */
  function renderMore() {
    root.querySelectorAll("[data-more]").forEach(function (el) {
      var n = state.more[el.dataset.more] || 0;
      el.hidden = !n;
      el.textContent = "";
      if (!n) return;
      var text = (el.dataset.link ? i18n.more : i18n.moreBodies).replace("{n}", n);
      if (el.dataset.link) {
        var a = document.createElement("a");
        a.href = state.links[el.dataset.link];
        a.textContent = text;
        el.appendChild(a);
      } else {
        el.textContent = text;
      }
    });
  }

  function showError(message) {
    errorBox.textContent = message || "";
    errorBox.hidden = !message;
  }

  function apply(newState) { state = newState; render(); }

  function act(body) {
    showError("");
    DientapLive.postJSON(actionUrl, body).then(function (data) {
      if (data.error) showError(data.error);
      if (data.state) apply(data.state);
      if (!data.error && body.situation) delete retimeDrafts[body.situation];
    }).catch(function () { showError(i18n.reconnecting); });
  }

  function input(name) {
    var el = root.querySelector("[data-input=" + name + "]");
    return el ? el.value.trim() : "";
  }

  root.addEventListener("click", function (ev) {
    var button = ev.target.closest("button");
    if (!button || !actionUrl) return;
    var a = button.dataset.action;
    if (a) {
      var body = { action: a };
      if (a === "clock_start") body.at = input("start-at");
      if (a === "clock_jump") body.to = input("jump-to");
      if (a === "clock_speed") body.speed = input("speed");
      if (a === "clock_g") body.g = input("g");
      act(body);
    }
    var sa = button.dataset.sitAction;
    if (sa) {
      var li = button.closest("[data-situation]");
      var req = { action: sa === "retime" ? "schedule" : sa, situation: parseInt(li.dataset.situation, 10) };
      if (sa === "retime") req.at = li.querySelector(".retime").value.trim();
      act(req);
    }
  });

  var reload = S.Loader(root.dataset.stateUrl, apply);
  render();
  DientapLive.connect(root.dataset.eventsUrl, {
    scenario: reload,
    clock: function (payload) { state.clock = Object.assign({}, state.clock, payload); reload(); },
    situation: reload,
  }, { onFresh: reload });
})();
