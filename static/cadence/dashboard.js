/* Draw the dashboard's figures (built on the server, embedded as JSON) with plotly.js, and again
   whenever HTMX swaps in a fresh copy after a check-in. */
(function () {
  "use strict";
  // On a phone the mode bar would sit over the chart: none there; on a desktop only while hovering.
  var small = window.matchMedia("(max-width: 700px)").matches;
  var config = { responsive: true, displaylogo: false, displayModeBar: small ? false : "hover",
                 modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] };

  function draw(root) {
    if (!window.Plotly) { return; }
    root.querySelectorAll("[data-figure]").forEach(function (element) {
      var source = document.getElementById(element.dataset.figure);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      window.Plotly.react(element, figure.data, figure.layout, config).then(function () {
        element.dataset.drawn = "true";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
