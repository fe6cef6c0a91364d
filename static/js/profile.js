// dxready profile form: the size class shown as the figures are typed.
// The class is computed by the server (the Go rule that the save uses,
// GET /profile/size); this script only asks and shows the answer. Without
// JavaScript the class is shown once the profile is saved.
'use strict';

(function () {
  var form = document.querySelector('form[data-size-preview]');
  var out = document.getElementById('size-preview');
  if (!form || !out || !window.fetch) { return; }
  var url = form.getAttribute('data-size-preview');
  var fields = ['vsic', 'employees', 'revenue', 'capital'];
  var timer = null, asked = 0;

  function ask() {
    var params = new URLSearchParams();
    fields.forEach(function (name) {
      var el = form.elements[name];
      params.append(name, el ? el.value : '');
    });
    // The language the amounts are written in: the form's, not the
    // language the user may have switched to since (in another tab).
    var numbers = form.elements.numbers;
    if (numbers) { params.append('numbers', numbers.value); }
    var mine = ++asked;
    fetch(url + '?' + params.toString(), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (res) { return res.ok ? res.json() : Promise.reject(res.status); })
      .then(function (data) {
        if (mine !== asked) { return; } // an older answer arriving late
        out.textContent = data.text;
        out.setAttribute('data-class', data['class'] || '');
      })
      .catch(function () { /* the class is shown once saved */ });
  }

  form.addEventListener('input', function (ev) {
    if (fields.indexOf(ev.target.name) < 0) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 250);
  });
})();
