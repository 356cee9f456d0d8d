// Place the calendar's events: the server computes each one's position (data-pos, e.g.
// "top:9.1%;height:18.2%;left:0%;width:50%"); set through the CSSOM, which the Content
// Security Policy allows (a style="" attribute it does not). Only these four properties.
(function () {
  "use strict";
  var allowed = { top: true, height: true, left: true, width: true };
  document.querySelectorAll(".cal-event[data-pos]").forEach(function (el) {
    el.getAttribute("data-pos").split(";").forEach(function (decl) {
      var i = decl.indexOf(":");
      var name = decl.slice(0, i).trim();
      var value = decl.slice(i + 1).trim();
      if (i > 0 && allowed[name] && /^-?[0-9.]+%$/.test(value)) {
        el.style.setProperty(name, value);
      }
    });
  });
})();
