/* Shared by the director's console and the bodies' consoles: the exercise clock (computed
 * locally from its anchor, so it ticks between events), dates as dd/mm/yyyy, a short beep made
 * with the Web Audio API (no sound file), and a state loader that coalesces reloads. */
(function () {
  "use strict";
  var DAY = 24 * 60;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function dayLabel(day) { return day === 0 ? "N" : "N" + (day > 0 ? "+" : "") + day; }

  function scenarioLabel(seconds) {
    var whole = Math.floor(seconds);
    var minutes = Math.floor(whole / 60), sec = whole - minutes * 60;
    var day = Math.floor(minutes / DAY), rest = minutes - day * DAY;
    return dayLabel(day) + " " + pad(Math.floor(rest / 60)) + ":" + pad(rest % 60) + ":" + pad(sec);
  }

  function dateTime(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    return pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear() + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }

  function time(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    return pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }

  function Clock(root, i18n) {
    var clock = null, skew = 0;
    var nowEl = root.querySelector("[data-bind=clock-now]");
    var stateEl = root.querySelector("[data-bind=clock-state]");
    var speedEl = root.querySelector("[data-bind=clock-speed]");
    function seconds() {
      if (!clock) return 0;
      var s = clock.anchor_scenario_seconds;
      if (clock.state === "running" && clock.anchor_real) {
        s += (Date.now() + skew - Date.parse(clock.anchor_real)) / 1000 * clock.speed;
      }
      return s;
    }
    function render() {
      if (!clock) return;
      nowEl.textContent = clock.state === "stopped" && !clock.anchor_scenario_seconds ? "—" : scenarioLabel(seconds());
      stateEl.textContent = i18n[clock.state] || clock.state;
      stateEl.className = "badge clock-" + clock.state;
      stateEl.dataset.state = clock.state;
      speedEl.textContent = clock.speed !== 1 ? "× " + clock.speed : "";
    }
    setInterval(render, 500);
    return {
      set: function (c) {
        clock = c;
        if (c.server_now) skew = Date.parse(c.server_now) - Date.now();
        render();
      },
    };
  }

  var audio = null;
  function beep() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      audio = audio || new Ctx();
      if (audio.state === "suspended") audio.resume();
      [0, 0.25].forEach(function (at) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        osc.type = "sine";
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.0001, audio.currentTime + at);
        gain.gain.exponentialRampToValueAtTime(0.3, audio.currentTime + at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + at + 0.18);
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + at);
        osc.stop(audio.currentTime + at + 0.2);
      });
    } catch (e) { /* no sound available: the visual cue remains */ }
  }

  /* Loads the page's state from its URL; several requests while one runs make one more. */
  function Loader(url, apply) {
    var running = false, again = false;
    function load() {
      if (running) { again = true; return; }
      running = true;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(apply)
        .catch(function () { /* the stream's reconnect will reload */ })
        .then(function () {
          running = false;
          if (again) { again = false; load(); }
        });
    }
    return load;
  }

  window.DientapScenario = {
    Clock: Clock, beep: beep, Loader: Loader, dateTime: dateTime, time: time,
    scenarioLabel: scenarioLabel,
  };
})();
