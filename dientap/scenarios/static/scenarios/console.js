/* A body's console: the situations issued to this body, rendered from one JSON state (first
 * load and after every event); a new situation arrives with a highlight and a short beep. */
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root) return;
  var S = window.DientapScenario;
  var i18n = document.getElementById("i18n").dataset;
  var actionUrl = root.dataset.actionUrl;
  var state = JSON.parse(document.getElementById("console-state").textContent);
  var template = document.getElementById("situation-template");
  var errorBox = root.querySelector("[data-bind=error]");
  var clock = S.Clock(root, i18n);
  var known = {};
  var fresh = {};
  var drafts = {};
  var latest = "";  // the newest issue time seen: older situations showing up are not new
  function learn(situations) {
    situations.forEach(function (s) {
      known[s.id] = true;
      if (s.issued_at && (!latest || Date.parse(s.issued_at) > Date.parse(latest))) latest = s.issued_at;
    });
  }
  learn(state.situations);

  function deliveryState(d) {
    if (!d) return "issued";
    if (d.handled_at) return "handled";
    if (d.acknowledged_at) return "acknowledged";
    return "issued";
  }

  function renderSituation(s) {
    var li = template.content.firstElementChild.cloneNode(true);
    var d = s.delivery;
    var st = deliveryState(d);
    li.dataset.situation = s.id;
    li.dataset.state = st;
    li.dataset.late = d && d.late ? "1" : "0";
    li.classList.add("d-" + st);
    if (d && d.late) li.classList.add("late");
    if (fresh[s.id]) li.classList.add("arrived");
    li.querySelector(".when").textContent = s.time;
    li.querySelector(".code").textContent = s.code;
    li.querySelector(".title").textContent = s.title;
    if (s.classification) {
      var secret = li.querySelector(".secret");
      secret.hidden = false;
      secret.textContent = s.classification_label;
    }
    var badge = li.querySelector(".dstate");
    badge.textContent = i18n[st] + (d && d.late ? " · " + i18n.late : "");
    badge.className = "badge dstate d-" + st;
    li.querySelector(".meta").textContent = i18n.from + ": " + s.issuer + (s.method ? " · " + s.method : "") +
      " · " + S.dateTime(s.issued_at);
    li.querySelector(".content-text").textContent = s.content;
    li.querySelector(".expected").textContent = i18n.expected + ": " + s.handling_label +
      (s.expected ? " — " + s.expected : "");
    var deadline = li.querySelector(".deadline");
    if (d && d.due_at) {
      deadline.textContent = i18n.deadline + " " + S.dateTime(d.due_at);
      if (!d.handled_at && Date.now() > Date.parse(d.due_at)) {
        deadline.textContent += " — " + i18n.overdue;
        deadline.classList.add("error");
      }
    }
    if (d && d.handled_at) {
      var h = li.querySelector(".handled");
      h.textContent = i18n.handled + " " + S.dateTime(d.handled_at) + ": " + d.handling_kind_label + " — " + d.handling_text;
      d.documents.forEach(function (doc) {
        var a = document.createElement("a");
        a.href = doc.url;
        a.textContent = doc.title;
        var div = document.createElement("div");
        div.appendChild(a);
        h.appendChild(div);
      });
    }
    var controls = li.querySelector(".controls");
    if (!actionUrl || st === "handled") {
      controls.remove();
    } else {
      li.querySelector("[data-sit-action=acknowledge]").hidden = st !== "issued";
      li.querySelector(".kind").value = (drafts[s.id] && drafts[s.id].kind) || s.handling_kind;
      var text = li.querySelector(".text");
      text.value = (drafts[s.id] && drafts[s.id].text) || "";
      var docs = li.querySelector(".docs");
      state.my_documents.forEach(function (doc) {
        var o = document.createElement("option");
        o.value = doc.id;
        o.textContent = doc.title;
        docs.appendChild(o);
      });
      if (!state.my_documents.length) li.querySelector(".docs-label").remove();
      function keep() {
        drafts[s.id] = { text: text.value, kind: li.querySelector(".kind").value };
      }
      text.addEventListener("input", keep);
      li.querySelector(".kind").addEventListener("change", keep);
    }
    return li;
  }

  function renderComm() {
    var box = root.querySelector("[data-bind=comm]");
    var c = state.comm_check;
    box.textContent = "";
    box.hidden = !c;
    if (!c) return;
    var mine = c.bodies[0];
    var title = document.createElement("h3");
    title.textContent = i18n.commTitle;
    box.appendChild(title);
    box.dataset.check = c.id;
    box.dataset.confirmed = mine && mine.confirmed_at ? "1" : "0";
    var p = document.createElement("p");
    if (mine && mine.confirmed_at) {
      p.className = "ok";
      p.textContent = i18n.confirmed + " " + S.dateTime(mine.confirmed_at);
      box.appendChild(p);
    } else {
      p.textContent = i18n.commAsk;
      box.appendChild(p);
      if (actionUrl) {
        var b = document.createElement("button");
        b.type = "button";
        b.dataset.action = "confirm";
        b.setAttribute("data-testid", "comm-confirm");
        b.textContent = i18n.confirm;
        box.appendChild(b);
      }
      box.classList.add("arrived");
    }
  }

  function render() {
    clock.set(state.clock);
    renderComm();
    var list = root.querySelector("[data-bind=situations]");
    var focusedId = document.activeElement && document.activeElement.closest &&
      document.activeElement.closest("[data-situation]");
    focusedId = focusedId ? focusedId.dataset.situation : null;
    list.textContent = "";
    state.situations.forEach(function (s) { list.appendChild(renderSituation(s)); });
    if (!state.situations.length) {
      var empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = i18n.none;
      list.appendChild(empty);
    }
    root.querySelectorAll("[data-more]").forEach(function (el) {
      var n = (state.more && state.more[el.dataset.more]) || 0;
      el.hidden = !n;
      var key = el.dataset.more === "waiting" ? "moreWaiting" : "moreHandled";
      el.textContent = n ? i18n[key].replace("{n}", n) : "";
    });
    if (focusedId) {
      var again = list.querySelector('[data-situation="' + focusedId + '"] .text');
      if (again) again.focus();
    }
  }

  function apply(newState) {
    var arrived = false;
    newState.situations.forEach(function (s) {
      if (!known[s.id] && (!latest || Date.parse(s.issued_at) > Date.parse(latest))) {
        fresh[s.id] = true;
        arrived = true;
      }
    });
    learn(newState.situations);
    var newCheck = newState.comm_check && (!state.comm_check || state.comm_check.id !== newState.comm_check.id);
    state = newState;
    render();
    if (arrived || newCheck) {
      S.beep();
      document.title = "● " + document.title.replace(/^● /, "");
      setTimeout(function () { document.title = document.title.replace(/^● /, ""); }, 8000);
    }
  }

  function showError(message) {
    errorBox.textContent = message || "";
    errorBox.hidden = !message;
  }

  function act(body) {
    showError("");
    DientapLive.postJSON(actionUrl, body).then(function (data) {
      if (data.error) showError(data.error);
      if (!data.error && body.situation) { delete drafts[body.situation]; delete fresh[body.situation]; }
      if (data.state) apply(data.state);
    }).catch(function () { showError(i18n.reconnecting); });
  }

  root.addEventListener("click", function (ev) {
    var button = ev.target.closest("button");
    if (!button || !actionUrl) return;
    if (button.dataset.action === "confirm") {
      act({ action: "confirm", check: state.comm_check.id });
      return;
    }
    var sa = button.dataset.sitAction;
    if (!sa) return;
    var li = button.closest("[data-situation]");
    var body = { action: sa, situation: parseInt(li.dataset.situation, 10) };
    if (sa === "handle") {
      body.kind = li.querySelector(".kind").value;
      body.text = li.querySelector(".text").value;
      var docs = li.querySelector(".docs");
      body.documents = docs ? Array.prototype.filter.call(docs.options, function (o) { return o.selected; })
        .map(function (o) { return parseInt(o.value, 10); }) : [];
    }
    act(body);
  });

  var reload = S.Loader(root.dataset.stateUrl, apply);
  render();
  setInterval(render.bind(null), 30000);  // deadlines pass without any event
  DientapLive.connect(root.dataset.eventsUrl, {
    situation: reload,
    comm_check: reload,
    clock: function (payload) { state.clock = Object.assign({}, state.clock, payload); clock.set(state.clock); },
  }, { onFresh: reload });
})();
