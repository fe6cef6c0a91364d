// dxready: draws every element with a data-option (an ECharts option built
// on the server by package charts). No inline script or style anywhere:
// tooltips are HTML built with the DOM and styled by class (.chart-tooltip
// in app.css); the only styles set here go through the CSSOM, which the
// CSP allows.
'use strict';
(function () {
  var script = document.currentScript;
  var list = function (x) { return Array.isArray(x) ? x : (x ? [x] : []); };
  var oneLine = function (s) { return String(s == null ? '' : s).replace(/\n/g, ' '); };

  // Numbers are written as the page's tables write them: the option carries
  // the page's separators and the words for a suppressed figure (package
  // charts, Locale), so "63,9" on a Vietnamese page and "63.9" on an English one.
  function numberFormat(loc) {
    var dec = loc.decimal || '.', grp = loc.group || '', gap = loc.gap || '–';
    return function (v) {
      if (typeof v !== 'number' || isNaN(v)) { return v === '-' || v == null ? gap : String(v); }
      var r = Math.round(Math.abs(v) * 10) / 10, whole = Math.floor(r), tenth = Math.round((r - whole) * 10);
      var s = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, grp);
      return (v < 0 && r > 0 ? '-' : '') + s + (tenth ? dec + tenth : '');
    };
  }

  function node(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text != null) { n.textContent = text; }
    return n;
  }
  function row(box, color, name, value) {
    var r = box.appendChild(node('div', 'chart-tooltip-row'));
    if (color) { r.appendChild(node('span', 'chart-tooltip-marker')).style.backgroundColor = color; }
    r.appendChild(node('span', 'chart-tooltip-name', oneLine(name)));
    r.appendChild(node('span', 'chart-tooltip-value', value));
  }
  // tooltipFormatter builds a tooltip's content as DOM nodes with classes:
  // ECharts' own formatter writes <span style="…">, which the CSP blocks.
  function tooltipFormatter(option, fmt) {
    var axis = function (k, i) { return oneLine((list(option[k])[0] || {}).data && list(option[k])[0].data[i]); };
    return function (params) {
      var ps = list(params), first = ps[0] || {}, box = node('div', 'chart-tooltip-body');
      if (first.seriesType === 'radar') {
        box.appendChild(node('div', 'chart-tooltip-head', oneLine(first.name)));
        list(list(option.radar)[0].indicator).forEach(function (ind, i) { row(box, null, ind.name, fmt(first.value[i])); });
      } else if (first.seriesType === 'heatmap') {
        box.appendChild(node('div', 'chart-tooltip-head', axis('yAxis', first.value[1])));
        row(box, null, axis('xAxis', first.value[0]), fmt(first.value[2]));
      } else {
        box.appendChild(node('div', 'chart-tooltip-head', oneLine(first.axisValueLabel || first.name)));
        ps.forEach(function (p) { row(box, p.color, p.seriesName, fmt(p.value)); });
      }
      return box;
    };
  }
  function tooltips(option, fmt) {
    option.tooltip = list(option.tooltip).map(function (t) {
      return Object.assign({}, t, { renderMode: 'html', className: 'chart-tooltip', confine: true, formatter: tooltipFormatter(option, fmt) });
    });
  }
  // Legend entries wrap at the chart's width, never cut short: "Average:
  // industry of …" named no group on a phone or on paper.
  function legends(option, width) {
    list(option.legend).forEach(function (l) {
      l.formatter = oneLine;
      l.textStyle = Object.assign({}, l.textStyle, { width: Math.max(120, width - 60), overflow: 'break', lineHeight: 15 });
    });
  }
  // numbers puts the page's number format on value axes, data labels and
  // the visual map.
  function numbers(option, fmt) {
    ['xAxis', 'yAxis'].forEach(function (k) {
      list(option[k]).forEach(function (a) {
        if (a.type === 'value') { a.axisLabel = Object.assign({}, a.axisLabel, { formatter: fmt }); }
      });
    });
    list(option.series).forEach(function (s) {
      if (s.label && s.label.show) { s.label.formatter = function (p) { return fmt(Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value); }; }
    });
    list(option.visualMap).forEach(function (v) { v.formatter = fmt; });
  }

  // wrapWords breaks s into lines of about width characters at spaces.
  function wrapWords(s, width) {
    var out = '', line = 0;
    s.split(/\s+/).forEach(function (word, i) {
      if (i > 0 && line + 1 + word.length > width) { out += '\n'; line = 0; } else if (i > 0) { out += ' '; line++; }
      out += word;
      line += word.length;
    });
    return out;
  }
  // fit lays labels out for the container's width: category names wrap
  // (or turn and shorten with "…" when columns are narrow), so no two
  // overlap and none leaves the chart.
  function fit(option, w) {
    var type = (list(option.series)[0] || {}).type;
    var label = function (a, extra) { a.axisLabel = Object.assign({}, a.axisLabel, extra); };
    var clamp = function (v, lo, hi) { return Math.max(lo, Math.min(hi, Math.round(v))); };
    if (type === 'radar') {
      // Pillar names wrap shorter on a phone (ECharts' radar names take
      // no width to wrap at); settle then sizes the radar to fit them.
      list(option.radar).forEach(function (r) {
        list(r.indicator).forEach(function (ind) { ind.name = wrapWords(oneLine(ind.name), w < 480 ? 12 : 18); });
      });
    } else if (type === 'bar') {
      list(option.yAxis).forEach(function (a) {
        if (a.type === 'category') { label(a, { width: clamp(w * 0.36, 90, 220), overflow: 'break', lineHeight: 14, interval: 0 }); }
      });
    } else if (type === 'line') {
      list(option.xAxis).forEach(function (a) { label(a, { hideOverlap: true }); });
    } else if (type === 'heatmap') {
      var yw = clamp(w * 0.3, 90, 240), x = list(option.xAxis)[0] || {}, cols = (x.data || []).length || 1;
      var colW = (w - yw - 40) / cols;
      list(option.yAxis).forEach(function (a) { label(a, { width: yw, overflow: 'truncate' }); });
      label(x, colW >= 64 ? { width: Math.floor(colW - 6), overflow: 'break', lineHeight: 14, interval: 0 }
        : { rotate: 90, width: 120, overflow: 'truncate', interval: 0 });
    }
  }

  // settle moves a radar and sizes it so that its pillar names lie inside
  // the chart and above the legend, as close to the edges as they fit:
  // ECharts places them outside the radius without checking that they fit.
  // A label moves along its own direction when the radius changes, so the
  // radius changes by the tightest of (room left) / (share of that
  // direction), and the centre moves to even the room above and below.
  function settle(chart, el) {
    var model = chart.getModel(), radar = model.getComponent('radar');
    if (!radar) { settleGrid(chart, el); return; }
    var names = {};
    radar.get('indicator').forEach(function (ind) { names[ind.name] = true; });
    for (var pass = 0; pass < 4; pass++) {
      var cs = radar.coordinateSystem, bottom = el.clientHeight - 4, right = el.clientWidth - 2;
      var legend = model.getComponent('legend'), lv = legend && chart.getViewOfComponentModel(legend);
      if (lv && lv.group && lv.group.children().length) { bottom = Math.min(bottom, rectOf(lv.group).y - 8); }
      var rects = texts(chart).filter(function (t) { return names[t.text]; });
      if (!rects.length) { return; }
      var topRoom = Infinity, bottomRoom = Infinity;
      rects.forEach(function (r) { topRoom = Math.min(topRoom, r.y - 2); bottomRoom = Math.min(bottomRoom, bottom - r.y - r.height); });
      var shift = (bottomRoom - topRoom) / 2, change = -Infinity;
      rects.forEach(function (r) {
        var ux = r.x + r.width / 2 - cs.cx, uy = r.y + r.height / 2 - cs.cy, len = Math.hypot(ux, uy) || 1;
        ux = Math.abs(ux / len); uy = Math.abs(uy / len);
        [[2 - r.x, ux], [r.x + r.width - right, ux], [2 - (r.y + shift), uy], [r.y + shift + r.height - bottom, uy]].forEach(function (o) {
          if (o[1] >= 0.3) { change = Math.max(change, o[0] / o[1]); }
        });
      });
      if (Math.abs(change) < 2 && Math.abs(shift) < 2 && Math.abs(cs.cx - el.clientWidth / 2) < 2) { return; }
      chart.setOption({ radar: { center: [el.clientWidth / 2, cs.cy + shift], radius: Math.max(40, cs.r - change) } });
    }
  }
  // settleGrid keeps the plot and its axis labels above the legend or
  // visual map at the bottom, whose height (rows of legend) is known only
  // once drawn.
  function settleGrid(chart, el) {
    var model = chart.getModel(), grid = model.getComponent('grid'), top = el.clientHeight;
    if (!grid) { return; }
    ['legend', 'visualMap'].forEach(function (k) {
      var m = model.getComponent(k), view = m && m.get('show') !== false && chart.getViewOfComponentModel(m);
      if (view && view.group && view.group.children().length) { top = Math.min(top, rectOf(view.group).y); }
    });
    var bottom = Math.ceil(el.clientHeight - top) + 8;
    if (Math.abs(bottom - parseFloat(grid.get('bottom'))) > 2) { chart.setOption({ grid: { bottom: bottom } }); }
  }
  // rectOf is an element's bounding box in the chart's pixels.
  function rectOf(el) {
    var r = el.getBoundingRect().clone(), m = el.getComputedTransform();
    if (m) { r.applyTransform(m); }
    return r;
  }
  // texts lists the chart's drawn texts with their boxes (a text of
  // several lines is drawn as one span per line, children of the text).
  function texts(chart) {
    var seen = [];
    return chart.getZr().storage.getDisplayList(true).map(function (d) {
      return d.parent && d.parent.style && d.parent.style.text != null ? d.parent : d;
    }).filter(function (d) {
      var keep = d.style && d.style.text != null && !d.ignore && seen.indexOf(d) < 0;
      seen.push(d);
      return keep;
    }).map(function (d) { var r = rectOf(d); r.text = d.style.text; return r; });
  }

  function prepare(el, option) {
    var loc = option.dxready || {}, fmt = numberFormat(loc), w = el.clientWidth;
    delete option.dxready;
    option.animation = false; // drawn once, at once: less work on the main thread
    tooltips(option, fmt);
    legends(option, w);
    numbers(option, fmt);
    fit(option, w);
    return option;
  }

  function draw(el) {
    if (el.getAttribute('data-ready')) { return; }
    var chart = window.echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(prepare(el, JSON.parse(el.getAttribute('data-option'))));
    settle(chart, el);
    el.setAttribute('data-ready', '1');
    var relayout = function () { chart.resize(); settle(chart, el); };
    window.addEventListener('resize', relayout);
    // Printing draws a chart at its printed size (print.css): fit it again.
    if (window.matchMedia) { window.matchMedia('print').addEventListener('change', relayout); }
  }

  // Charts are drawn one per task, so that no single long task blocks the
  // page, and those below the fold only when they come near the screen;
  // ECharts itself (the page's longest task) is loaded then, from the URL in
  // this script's data-echarts, unless the page loaded it already. A chart
  // marked data-draw="now" (the printed report's radar: the page exists to
  // be printed) makes the page draw every chart at once. IntersectionObserver reports every observed element once as
  // soon as it observes it, visible or not, so a chart already on screen is
  // drawn too; should it never report, all charts are drawn after a wait.
  var els = Array.prototype.slice.call(document.querySelectorAll('.echart[data-option]'));
  var queue = [], pumping = false, waiting = null;
  function withECharts(fn) {
    if (window.echarts) { fn(); return; }
    if (!waiting) {
      waiting = [];
      var s = document.createElement('script');
      s.src = script && script.getAttribute('data-echarts');
      s.onload = function () { waiting.forEach(function (f) { f(); }); };
      s.onerror = function () { els.forEach(function (el) { el.setAttribute('data-failed', '1'); }); };
      document.head.appendChild(s);
    }
    waiting.push(fn);
  }
  function pump() {
    if (pumping || !queue.length) { return; }
    pumping = true;
    withECharts(function () {
      setTimeout(function () { pumping = false; draw(queue.shift()); pump(); }, 0);
    });
  }
  function want(el) { if (queue.indexOf(el) < 0 && !el.getAttribute('data-ready')) { queue.push(el); pump(); } }
  window.addEventListener('beforeprint', function () { if (window.echarts) { els.forEach(draw); } });
  if (document.querySelector('.echart[data-draw="now"]') || !('IntersectionObserver' in window)) { els.forEach(want); return; }
  var heard = false;
  var io = new IntersectionObserver(function (entries) {
    heard = true;
    entries.forEach(function (e) { if (e.isIntersecting) { io.unobserve(e.target); want(e.target); } });
  }, { rootMargin: '200px 0px' });
  els.forEach(function (el) { io.observe(el); });
  setTimeout(function () { if (!heard) { els.forEach(want); } }, 3000);
})();
