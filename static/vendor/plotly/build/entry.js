// Cadence's plotly.js: the core and the three trace types the dashboard draws.
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/scatter'), require('plotly.js/lib/bar'), require('plotly.js/lib/heatmap')]);
module.exports = Plotly;
