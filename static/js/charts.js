// dxready: draws every element with a data-option (an ECharts option built
// on the server by package charts). No inline script anywhere.
'use strict';
(function () {
  if (!window.echarts) { return; }
  document.querySelectorAll('.echart[data-option]').forEach(function (el) {
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(JSON.parse(el.getAttribute('data-option')));
    el.setAttribute('data-ready', '1');
    window.addEventListener('resize', function () { chart.resize(); });
  });
})();
