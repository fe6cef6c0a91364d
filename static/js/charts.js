// dxready: draws every element with a data-option (an ECharts option built
// on the server by package charts). No inline script anywhere.
'use strict';
(function () {
  if (!window.echarts) { return; }
  var root = getComputedStyle(document.documentElement);
  function cssVar(name, fallback) { return root.getPropertyValue(name).trim() || fallback; }
  // Tooltips are drawn on the canvas (ECharts' richText mode), in the
  // colours of app.css: the HTML tooltip writes style="" attributes into
  // the page, which the CSP (style-src 'self', no 'unsafe-inline') blocks,
  // leaving it unstyled and the console full of violations.
  // A canvas tooltip cannot overflow its chart as an HTML one could, so it
  // is kept inside (confine); package charts wraps long names.
  function canvasTooltips(option) {
    var tips = Array.isArray(option.tooltip) ? option.tooltip : [option.tooltip || {}];
    option.tooltip = tips.map(function (t) {
      return Object.assign({}, t, {
        renderMode: 'richText', confine: true, backgroundColor: cssVar('--card', '#fff'), borderColor: cssVar('--line', '#d5dbe1'),
        borderWidth: 1, padding: [6, 10],
        textStyle: { color: cssVar('--ink', '#1b2430'), fontSize: 13, lineHeight: 18, fontFamily: getComputedStyle(document.body).fontFamily }
      });
    });
    return option;
  }
  // Legend entries stay on one line (ECharts does not make room for a
  // wrapped one), shortened with "…" when wider than the chart; the tooltip
  // shows the whole name, wrapped.
  function oneLineLegends(option, width) {
    (Array.isArray(option.legend) ? option.legend : [option.legend || {}]).forEach(function (l) {
      l.formatter = function (name) { return name.replace(/\n/g, ' '); };
      l.textStyle = Object.assign({}, l.textStyle, { width: Math.max(120, width - 60), overflow: 'truncate' });
    });
    return option;
  }
  document.querySelectorAll('.echart[data-option]').forEach(function (el) {
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(oneLineLegends(canvasTooltips(JSON.parse(el.getAttribute('data-option'))), el.clientWidth));
    el.setAttribute('data-ready', '1');
    window.addEventListener('resize', function () { chart.resize(); });
  });
})();
