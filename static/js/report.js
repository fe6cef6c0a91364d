// dxready: the A4 report's "Download PDF" button prints the page; the
// browser's print dialog saves it as a PDF (the hint beside the button says
// to choose "Save as PDF"). Without JavaScript the browser's own Print does
// the same.
'use strict';
(function () {
  var button = document.getElementById('download-pdf');
  if (button && window.print) {
    button.addEventListener('click', function () { window.print(); });
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
