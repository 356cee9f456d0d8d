/* Observations of an exercise (or of one holding), live: an "observation.created" event
 * carries ids only; the first page of the list then fetches its rows as this user may see
 * them (the feed: one page, with the page's filters, never the whole list) and re-renders.
 * Later pages (data-static) are not live. */
(function () {
  "use strict";
  var root = document.getElementById("observations");
  if (!root || root.dataset.static || !window.DientapLive) return;
  var list = root.querySelector("[data-bind=list]");
  var template = document.getElementById("obs-template");
  var i18n = document.getElementById("i18n").dataset;
  var raise = document.getElementById("raise-url");
  var holding = root.dataset.holding;

  function render(rows) {
    list.textContent = "";
    if (!rows.length) {
      var empty = document.createElement("li");
      empty.className = "empty";
      empty.textContent = i18n.empty;
      list.appendChild(empty);
      return;
    }
    rows.forEach(function (o) {
      var li = template.content.firstElementChild.cloneNode(true);
      li.id = "obs-" + o.id;
      li.dataset.observation = o.id;
      li.classList.add("kind-" + o.kind);
      var badge = li.querySelector(".badge");
      badge.textContent = o.kind_label;
      badge.classList.add("kind-" + o.kind);
      li.querySelector(".text").textContent = o.text;
      li.querySelector(".about").textContent = o.about;
      li.querySelector(".at").textContent = o.at;
      li.querySelector(".scenario").textContent = o.scenario_time ? " · " + o.scenario_time : "";
      li.querySelector(".author").textContent = o.author;
      if (o.photo_url) {
        var link = document.createElement("a");
        link.href = o.photo_url;
        var img = document.createElement("img");
        img.className = "thumb";
        img.src = o.photo_url;
        img.alt = i18n.photo || "";
        link.appendChild(img);
        li.appendChild(link);
      }
      if (raise) {
        var a = document.createElement("a");
        a.className = "small";
        a.href = raise.dataset.url + o.id;
        a.textContent = i18n.raise;
        li.appendChild(a);
      }
      list.appendChild(li);
    });
  }

  function reload() {
    fetch(root.dataset.feedUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) render(data.observations); });
  }

  window.DientapLive.connect(root.dataset.eventsUrl, {
    "observation.created": function (payload) {
      if (holding && String(payload.holding) !== holding) return;
      reload();
    },
  }, { onFresh: reload });
})();
