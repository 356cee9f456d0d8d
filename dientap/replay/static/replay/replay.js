/* The timeline replay of a round (replay/round.html).

   The page is rendered by the server at one moment (it works without this script). This
   script reads every moment and the state after each of them from the JSON endpoint
   (replay:round_data) and moves a "now" cursor through the round: slider, play / pause at
   ×1, ×10, ×60, arrow keys and the previous / next links step from moment to moment. The
   state shown is always one the server computed; the script only picks and renders it. */
(function () {
  "use strict";

  var root = document.getElementById("replay");
  if (!root) return;
  var i18nBox = document.getElementById("replay-i18n");
  var data = null, stamps = [], moments = [], start = 0, end = 0, now = 0, index = -2;
  var timer = null, lastTick = 0;

  function t(key) { return (i18nBox && i18nBox.dataset[key]) || ""; }
  function bound(name) { return document.querySelector('[data-bind="' + name + '"]'); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function shifted(ms) { return new Date(ms + data.utc_offset * 1000); }
  function label(ms) {
    var d = shifted(ms);
    return pad(d.getUTCDate()) + "/" + pad(d.getUTCMonth() + 1) + "/" + d.getUTCFullYear() +
      " " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes());
  }
  function localIso(ms) {
    var d = shifted(ms);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) +
      "T" + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
  }

  /* Scenario-now from the clock's history (the same arithmetic as scenarios/clock.py). */
  function scenario(ms) {
    var entry = null;
    data.clock.forEach(function (c) { if (Date.parse(c.at) <= ms) entry = c; });
    if (!entry || entry.state === "stopped") return "";
    var seconds = entry.anchor_scenario_seconds;
    if (entry.state === "running" && entry.anchor_real) {
      seconds += (ms - Date.parse(entry.anchor_real)) / 1000 * entry.speed;
    }
    var minutes = Math.floor(seconds / 60), day = Math.floor(minutes / 1440);
    var rest = minutes - day * 1440;
    return (day === 0 ? "N" : "N" + (day > 0 ? "+" : "") + day) + " " +
      pad(Math.floor(rest / 60)) + ":" + pad(rest % 60);
  }

  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === "") return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  function link(url, text) { return url ? h("a", {href: url}, [text]) : document.createTextNode(text); }

  /* --- lanes ------------------------------------------------------------------------- */

  function momentItem(m, latest) {
    var meta = [m.body, m.detail].filter(Boolean).join(" · ");
    var li = h("li", {"class": "moment kind-" + m.kind + (latest ? " latest" : ""),
                      "data-testid": "moment"}, [
      h("span", {"class": "when", title: m.label}, [m.time]), " ",
      h("span", {"class": "badge kind"}, [m.kind_label]),
      m.secret ? " " : "", m.secret ? h("span", {"class": "badge secret"}, [m.secret]) : null,
      h("div", {"class": "what"}, [link(m.url, m.title)]),
      (meta || m.scenario) ? h("div", {"class": "muted small"}, [
        meta, (meta && m.scenario) ? " · " : "",
        m.scenario ? h("span", {"class": "scen"}, [m.scenario]) : null]) : null,
    ]);
    if (latest) li.setAttribute("aria-current", "true");
    return li;
  }

  function renderLanes() {
    var upTo = index >= 0 ? stamps[index] : -Infinity;
    document.querySelectorAll("ol.moments[data-lane]").forEach(function (ol) {
      var lane = ol.getAttribute("data-lane");
      ol.textContent = "";
      for (var i = moments.length - 1; i >= 0; i--) {
        var m = moments[i];
        if (m.ms > upTo || m.lane !== lane) continue;
        ol.appendChild(momentItem(m, m.ms === upTo));
      }
      if (!ol.children.length) ol.appendChild(h("li", {"class": "empty"}, [t("nothing")]));
    });
  }

  /* --- the state panel ----------------------------------------------------------------- */

  function list(box, title, testid, rows, render) {
    box.appendChild(h("h4", {}, [title, " ", h("span", {
      "class": "badge" + (testid === "overdue" && rows.length ? " overdue" : ""),
      "data-testid": "count-" + testid}, [String(rows.length)])]));
    var ul = h("ul", {"class": "small", "data-testid": testid});
    rows.forEach(function (row) { ul.appendChild(h("li", {}, render(row))); });
    if (!rows.length) ul.appendChild(h("li", {"class": "empty"}, [t("none")]));
    box.appendChild(ul);
  }

  function renderState(s) {
    var box = bound("state");
    box.textContent = "";
    box.appendChild(h("h3", {}, [t("atThisMoment")]));
    box.appendChild(h("p", {"class": "muted small", "data-testid": "state-at"},
      [s.label + (s.scenario ? " · " + t("scenarioTime") + " " + s.scenario : "")]));
    list(box, t("running"), "running", s.running, function (x) {
      return [link(x.url, x.title), " ", h("span", {"class": "muted"},
        [t("since").replace("{time}", x.since) + (x.item ? " · " + x.item : "")])];
    });
    list(box, t("open"), "open", s.open, function (x) {
      return [link(x.url, x.code), " " + x.title + " ",
        x.secret ? h("span", {"class": "badge secret"}, [x.secret]) : null, " ",
        h("span", {"class": "muted"}, [t("issued").replace("{time}", x.since) +
          (x.pending.length ? " · " + t("waiting") + ": " + x.pending.join(", ") : "")])];
    });
    list(box, t("overdue"), "overdue", s.overdue, function (x) {
      return [h("strong", {}, [x.body]), " · ", link(x.url, x.code), " ",
        h("span", {"class": "muted"}, [t("due").replace("{time}", x.due)])];
    });
    var o = s.observations;
    box.appendChild(h("h4", {}, [t("observations"), " ",
      h("span", {"class": "badge", "data-testid": "count-observations"}, [String(o.total)])]));
    box.appendChild(h("p", {"class": "small", "data-testid": "observations"}, [
      t("strengths") + ": " + o.strength + " · " + t("shortcomings") + ": " + o.shortcoming +
      " · " + t("proposals") + ": " + o.proposal]));
    box.appendChild(h("p", {"class": "small muted", "data-testid": "other-counts"}, [
      t("handledLate") + ": " + s.handled_late + " · " + t("actions") + ": " + s.actions]));
  }

  /* --- the cursor ------------------------------------------------------------------------ */

  function indexAt(ms) {
    var i = -1;
    while (i + 1 < stamps.length && stamps[i + 1] <= ms) i++;
    return i;
  }

  function setLink(name, ms) {
    var a = bound(name);
    if (!a) return;
    if (ms === null) { a.hidden = true; return; }
    a.hidden = false;
    a.setAttribute("href", "?at=" + localIso(ms));
    a.title = label(ms);
  }

  function render() {
    var slider = bound("slider"), cursor = bound("cursor");
    bound("now").textContent = label(now);
    bound("scenario").textContent = scenario(now) || "—";
    slider.value = String(Math.round((now - start) / 1000));
    slider.setAttribute("aria-valuetext", label(now));
    var x = end > start ? (now - start) / (end - start) * 1000 : 0;
    cursor.setAttribute("x1", x.toFixed(1));
    cursor.setAttribute("x2", x.toFixed(1));
    var i = indexAt(now);
    if (i !== index) {
      index = i;
      renderLanes();
      if (i >= 0) renderState(data.states[i]);
      setLink("prev", previousStamp());
      setLink("next", i + 1 < stamps.length ? stamps[i + 1] : null);
      if (!timer) remember();
    }
  }

  function remember() {
    var input = root.querySelector('input[name="at"]');
    if (input) input.value = label(now);
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "?at=" + localIso(now));
    }
  }

  function previousStamp() {
    if (index < 0) return null;
    if (now > stamps[index]) return stamps[index];
    return index > 0 ? stamps[index - 1] : null;
  }

  function go(ms) {
    now = Math.min(Math.max(ms, start), end);
    render();
    remember();
  }

  function step(direction) {
    pause();
    if (direction < 0) {
      var p = previousStamp();
      if (p !== null) go(p);
    } else if (index + 1 < stamps.length) {
      go(stamps[index + 1]);
    }
  }

  /* --- play / pause ---------------------------------------------------------------------- */

  function speed() { return Number(bound("speed").value) || 1; }

  function tick() {
    var wall = Date.now();
    now = Math.min(now + (wall - lastTick) * speed(), end);
    lastTick = wall;
    render();
    if (now >= end) pause();
  }

  function play() {
    if (now >= end) now = start;
    lastTick = Date.now();
    timer = window.setInterval(tick, 200);
    var b = bound("play");
    b.textContent = t("pause");
    b.setAttribute("aria-pressed", "true");
    render();
  }

  function pause() {
    if (timer) { window.clearInterval(timer); timer = null; remember(); }
    var b = bound("play");
    b.textContent = t("play");
    b.setAttribute("aria-pressed", "false");
  }

  /* --- keyboard -------------------------------------------------------------------------- */

  function onKey(event) {
    var key = event.key;
    if (key === "ArrowLeft" || key === "ArrowDown") step(-1);
    else if (key === "ArrowRight" || key === "ArrowUp") step(1);
    else if (key === "Home") { pause(); go(start); }
    else if (key === "End") { pause(); go(end); }
    else return;
    event.preventDefault();
  }

  function start_(json) {
    data = json;
    moments = data.moments.map(function (m) { m.ms = Date.parse(m.at); return m; });
    stamps = data.states.map(function (s) { return Date.parse(s.at); });
    start = Date.parse(data.start);
    end = Date.parse(data.end);
    now = Math.min(Math.max(Date.parse(root.getAttribute("data-at")) || end, start), end);
    var slider = bound("slider");
    slider.max = String(Math.round((end - start) / 1000));
    slider.addEventListener("input", function () {
      now = start + Number(slider.value) * 1000;
      render();
    });
    slider.addEventListener("change", remember);
    slider.addEventListener("keydown", onKey);
    document.addEventListener("keydown", function (event) {
      var tag = (event.target && event.target.tagName) || "";
      if (event.target === slider || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(tag)) return;
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      onKey(event);
    });
    bound("play").addEventListener("click", function () { if (timer) pause(); else play(); });
    [["prev", -1], ["next", 1]].forEach(function (pair) {
      var a = bound(pair[0]);
      if (a) a.addEventListener("click", function (event) { event.preventDefault(); step(pair[1]); });
    });
    bound("controls").hidden = false;
    root.classList.add("scripted");
    render();
  }

  fetch(root.getAttribute("data-url"), {credentials: "same-origin",
                                        headers: {Accept: "application/json"}})
    .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
    .then(start_)
    .catch(function () {
      var p = h("p", {"class": "error", role: "alert"}, [t("loadError")]);
      root.appendChild(p);
    });
})();
