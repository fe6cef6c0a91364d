// dxready: progressive enhancement only; every page works without it.
'use strict';

// Forms with data-confirm ask before submitting (erasing data, for example).
document.addEventListener('submit', function (ev) {
  var form = ev.target;
  var msg = form && form.getAttribute && form.getAttribute('data-confirm');
  if (msg && !window.confirm(msg)) {
    ev.preventDefault();
  }
});

// Survey autosave: each question is saved as soon as its answer changes, so
// a crash or a closed tab loses at most the answer being chosen. (We use
// fetch rather than htmx: a few lines, and htmx 2 would need an inline
// style, which our Content-Security-Policy forbids.) Without JavaScript the
// step is saved when it is left.
(function () {
  var form = document.querySelector('form[data-autosave]');
  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute('data-autosave');
  // The texts come from the language bundle, through the form's attributes.
  var savedText = form.getAttribute('data-saved-text');
  var failedText = form.getAttribute('data-failed-text');
  form.addEventListener('change', function (ev) {
    var input = ev.target;
    if (!input.name || input.name.indexOf('q.') !== 0) { return; }
    var id = input.name.slice(2);
    var data = new URLSearchParams();
    data.append('question', id);
    form.querySelectorAll('input[name="' + CSS.escape(input.name) + '"]:checked').forEach(function (el) {
      data.append(input.name, el.value);
    });
    if (input.type === 'checkbox') { data.append('shown', id); }
    var status = form.querySelector('[data-saved-for="' + CSS.escape(id) + '"]');
    fetch(url, { method: 'POST', body: data, credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
      .then(function (res) {
        // survey.js listens: a saved answer may open or close a follow-up.
        if (res.ok) { form.dispatchEvent(new CustomEvent('dxready:saved', { detail: id })); }
        if (!status) { return; }
        status.classList.toggle('failed', !res.ok);
        status.textContent = res.ok ? savedText : failedText;
      })
      .catch(function () {
        if (status) { status.classList.add('failed'); status.textContent = failedText; }
      });
  });
})();

// Recovery codes page: "Print" and "Copy" buttons, shown only when this
// script runs (they are hidden in the page otherwise). Printing hides all
// but the codes (app.css, @media print).
(function () {
  var box = document.getElementById('codes-actions');
  if (!box) { return; }
  box.hidden = false;
  var print = box.querySelector('[data-print]');
  if (print) { print.addEventListener('click', function () { window.print(); }); }
  var copy = box.querySelector('[data-copy]');
  if (!copy) { return; }
  if (!navigator.clipboard) { copy.hidden = true; return; }
  copy.addEventListener('click', function () {
    var list = document.getElementById(copy.getAttribute('data-copy'));
    var codes = Array.prototype.map.call(list.querySelectorAll('li'), function (li) { return li.textContent.trim(); });
    navigator.clipboard.writeText(codes.join('\n')).then(function () {
      copy.textContent = copy.getAttribute('data-copied-text');
    }, function () { copy.hidden = true; }); // refused (no permission): the codes are on the page to copy by hand
  });
})();

// On a phone the navigation is one row that scrolls sideways: bring the
// current page's link into view.
(function () {
  var here = document.querySelector('.site-header nav [aria-current="page"]');
  var row = here && here.closest('nav');
  if (!row || row.scrollWidth <= row.clientWidth) { return; }
  var h = here.getBoundingClientRect(), r = row.getBoundingClientRect();
  row.scrollLeft += h.left - r.left - (r.width - h.width) / 2;
})();
