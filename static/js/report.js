// dxready: the A4 report's "Print or save as PDF" button prints the page;
// the browser's print dialog saves it as a PDF (the hint beside the button
// says to choose "Save as PDF"). The button is hidden until this script
// gives it something to do: without JavaScript it would do nothing, and
// the hint says to use the browser's own menu → Print. A browser that
// ignores window.print() (those inside Zalo or Facebook) leaves the click
// harmless, and the same hint applies.
'use strict';
(function () {
  var button = document.getElementById('download-pdf');
  if (button && window.print) {
    button.addEventListener('click', function () { window.print(); });
    button.hidden = false;
  }
  // The radar keeps one size on screen and paper (print.css), but a narrow
  // window draws it narrower: when the print layout applies, ECharts draws
  // it again at its printed size, and back after printing.
  if (!window.matchMedia || !window.echarts) { return; }
  window.matchMedia('print').addEventListener('change', function () {
    document.querySelectorAll('.echart[data-ready]').forEach(function (el) {
      var chart = window.echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  });
})();
