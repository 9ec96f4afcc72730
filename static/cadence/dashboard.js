/* Draw the dashboard's figures (built on the server, embedded as JSON) with plotly.js: each chart once,
   when it comes into view (the ones below the fold wait until they are scrolled to), and again only
   when HTMX swaps in a fresh copy after a check-in. Tables are rendered on the server and only shown
   on request, so no script touches them. */
(function () {
  "use strict";
  // On a phone the mode bar would sit over the chart: none there; on a desktop only while hovering.
  var small = window.matchMedia("(max-width: 700px)").matches;
  var config = { responsive: true, displaylogo: false, displayModeBar: small ? false : "hover",
                 modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] };

  function draw(element) {
    var source = document.getElementById(element.dataset.figure);
    if (!source || !window.Plotly) { return; }
    var figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      element.dataset.drawn = "true";
    });
  }

  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        draw(entry.target);
      }
    });
  }, { rootMargin: "200px" }) : null;

  function watch(root) {
    root.querySelectorAll("[data-figure]").forEach(function (element) {
      if (observer) { observer.observe(element); } else { draw(element); }
    });
  }

  function start() { if (window.Plotly) { watch(document); } }
  // plotly.js is loaded with defer: the tiles and text paint first, the charts follow.
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  document.addEventListener("htmx:afterSettle", function (event) { if (window.Plotly) { watch(event.target); } });
})();
