/* dientap live updates: one EventSource per page, with a visible reconnecting state.
 *
 * DientapLive.connect(url, handlers, {onStale, onFresh}) opens the stream. The browser's
 * EventSource resends Last-Event-ID on reconnect, and the server replays what was missed,
 * in order. While the connection is down the page is marked stale ("reconnecting"), never
 * shown as current; after reconnecting, `onFresh` lets the page reload its state.
 */
(function () {
  "use strict";

  function connect(url, handlers, opts) {
    opts = opts || {};
    var banner = document.getElementById("live-status");
    var i18n = (document.getElementById("i18n") || {}).dataset || {};
    var source = null;
    var stale = false;
    var lastSeq = 0;

    function markStale() {
      if (stale) return;
      stale = true;
      document.body.classList.add("stale");
      if (banner) {
        banner.textContent = i18n.reconnecting || "Reconnecting…";
        banner.hidden = false;
      }
      if (opts.onStale) opts.onStale();
    }

    function markFresh() {
      if (!stale) return;
      stale = false;
      document.body.classList.remove("stale");
      if (banner) banner.hidden = true;
      if (opts.onFresh) opts.onFresh();
    }

    function open() {
      var target = url + (lastSeq ? (url.indexOf("?") < 0 ? "?" : "&") + "last=" + lastSeq : "");
      source = new EventSource(target);
      source.onopen = markFresh;
      source.onerror = function () {
        markStale();
        if (source.readyState === EventSource.CLOSED) {
          // The browser gave up (e.g. an HTTP error): try again ourselves.
          setTimeout(open, 2000);
        }
      };
      Object.keys(handlers).forEach(function (kind) {
        source.addEventListener(kind, function (ev) {
          lastSeq = Math.max(lastSeq, parseInt(ev.lastEventId, 10) || 0);
          var data;
          try { data = JSON.parse(ev.data); } catch (e) { return; }
          handlers[kind](data.payload, data.seq);
        });
      });
    }

    window.addEventListener("offline", markStale);
    open();
    return {
      close: function () { if (source) source.close(); },
      isStale: function () { return stale; },
    };
  }

  function csrfToken() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function postJSON(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then(function (r) {
      return r.json().then(function (data) { data._status = r.status; return data; });
    });
  }

  window.DientapLive = { connect: connect, postJSON: postJSON, csrfToken: csrfToken };
})();
