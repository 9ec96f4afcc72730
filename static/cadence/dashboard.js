/* The dashboard's charts arrive drawn, as SVG made on the server from the same figures (apps/dashboard/
   preview.py), so nothing here runs while the page loads. When the learner reaches for a chart (hovers
   it, taps it, or tabs to it), plotly.js is loaded once and draws that chart's figure in place of the
   drawing, with hovers and zoom. After HTMX swaps in a fresh copy (a check-in), the charts plotly.js
   had drawn are drawn again by it. */
(function () {
  "use strict";
  // On a phone the mode bar would sit over the chart: none there; on a desktop only while hovering.
  var small = window.matchMedia("(max-width: 700px)").matches;
  var config = { responsive: true, displaylogo: false, displayModeBar: small ? false : "hover",
                 modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] };
  var loading = null;
  var live = {};  // figure ids plotly.js has drawn, to draw again after a swap

  function plotly() {
    if (window.Plotly) { return Promise.resolve(window.Plotly); }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = document.querySelector("[data-plotly-src]").dataset.plotlySrc;
        script.onload = function () { resolve(window.Plotly); };
        script.onerror = function () { loading = null; reject(new Error("plotly.js did not load")); };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function draw(element) {
    if (element.dataset.drawn) { return; }
    var source = document.getElementById(element.dataset.figure);
    if (!source) { return; }
    element.dataset.drawn = "loading";
    plotly().then(function (Plotly) {
      var figure = JSON.parse(source.textContent);
      element.textContent = "";
      return Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
        element.dataset.drawn = "true";
        live[element.dataset.figure] = true;
      });
    }).catch(function () { delete element.dataset.drawn; });  // the drawing stays; try again next time
  }

  function reach(event) {
    var element = event.target.closest && event.target.closest("[data-figure]");
    if (element) { draw(element); }
  }
  ["pointerover", "pointerdown", "focusin"].forEach(function (name) {
    document.addEventListener(name, reach, { passive: true });
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    event.target.querySelectorAll("[data-figure]").forEach(function (element) {
      if (live[element.dataset.figure]) { draw(element); }
    });
  });
})();
