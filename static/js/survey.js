// dxready survey steps: follow-up questions said and focused in place.
// Progressive enhancement only: without JavaScript the step is posted, and
// the server shows it again with the same notice, anchored to it.
'use strict';

(function () {
  var form = document.querySelector('form[data-autosave]');
  if (!form) { return; }

  // focusQuestion moves the keyboard and the screen reader to a question:
  // its fieldset, which is read with its legend.
  // The fieldset is focusable only until the focus leaves it, so a click
  // inside it later focuses nothing but the control clicked.
  function focusQuestion(fieldset) {
    fieldset.setAttribute('tabindex', '-1');
    fieldset.addEventListener('blur', function () { fieldset.removeAttribute('tabindex'); }, { once: true });
    fieldset.focus();
  }

  // After a post that opened follow-ups the server names them in notices;
  // the first one gets the focus. It is given once the page has loaded:
  // the browser's own move to the #anchor comes before that and would take
  // a focus given earlier away.
  var first = document.querySelector('[data-followup-notice]');
  var target = first && document.getElementById(first.getAttribute('data-followup-notice'));
  if (target) {
    var focusTarget = function () { window.setTimeout(function () { focusQuestion(target); }, 0); };
    if (document.readyState === 'complete') { focusTarget(); } else { window.addEventListener('load', focusTarget); }
  }

  // The progress above the form counts the draft's answers. Answers saved
  // as they are chosen count at once: the questions of this step that are
  // answered carry data-answered (the server's, then each saved one), and
  // the rest of the draft's answers are what the server counted besides.
  var progress = document.getElementById('progress');
  var progressLabel = document.querySelector('label[for="progress"][data-progress-text]');
  function answeredHere() { return form.querySelectorAll('fieldset.question[data-answered]').length; }
  var elsewhere = progress ? Number(progress.value) - answeredHere() : 0;
  function showProgress() {
    if (!progress || !progressLabel) { return; }
    var n = elsewhere + answeredHere();
    progress.value = n;
    progress.textContent = n + '/' + progress.max;
    progressLabel.textContent = progressLabel.getAttribute('data-progress-text')
      .replace('{answered}', String(n)).replace('{total}', String(progress.max));
  }
  form.addEventListener('dxready:saved', function (ev) {
    var fieldset = document.getElementById('q-' + ev.detail);
    if (fieldset) { fieldset.setAttribute('data-answered', ''); }
    showProgress();
  });

  if (!window.fetch || !window.DOMParser) { return; }
  var noticeText = form.getAttribute('data-followup-text');

  // announce puts a polite live-region notice above a question that has
  // just appeared. The region is in the page before its text is set, so
  // screen readers read the change.
  function announce(fieldset) {
    var p = document.createElement('p');
    p.className = 'notice followup-notice';
    p.id = 'opened-' + fieldset.id.slice(2);
    p.setAttribute('role', 'status');
    fieldset.parentNode.insertBefore(p, fieldset);
    var legend = fieldset.querySelector('legend');
    window.setTimeout(function () {
      p.textContent = noticeText + ' ' + (legend ? legend.textContent : '');
    }, 50);
  }

  // refresh reads the step as the server now shows it (the answer is saved)
  // and brings the page in line: questions that opened are added after the
  // question they follow, announced and focused; those that closed go.
  function refresh() {
    fetch(form.getAttribute('action'), { credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.text() : Promise.reject(res.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.querySelectorAll('form[data-autosave] fieldset.question');
        var keep = {};
        var prev = null, opened = null;
        fresh.forEach(function (f) {
          keep[f.id] = true;
          var here = document.getElementById(f.id);
          if (here && f.hasAttribute('data-answered')) { here.setAttribute('data-answered', ''); }
          if (!here) {
            here = document.importNode(f, true);
            var after = prev || form.querySelector('fieldset.question');
            if (prev) { after.parentNode.insertBefore(here, after.nextSibling); } else { form.insertBefore(here, after); }
            announce(here);
            opened = opened || here;
          }
          prev = here;
        });
        form.querySelectorAll('fieldset.question').forEach(function (f) {
          if (keep[f.id]) { return; }
          var notice = document.getElementById('opened-' + f.id.slice(2));
          if (notice) { notice.remove(); }
          f.remove();
        });
        // Questions opened or closed change what the progress counts: the
        // server's count is taken again, and what it counted outside this
        // step is its count less this step's answered questions in the same
        // page (not in this one, where a save may have landed since).
        var counted = doc.getElementById('progress');
        if (progress && counted) {
          progress.max = Number(counted.max);
          elsewhere = Number(counted.value) - fresh.length + doc.querySelectorAll(
            'form[data-autosave] fieldset.question:not([data-answered])').length;
          showProgress();
        }
        if (opened) { focusQuestion(opened); }
      })
      .catch(function () { /* the post of the step will show the question instead */ });
  }

  // The autosave (app.js) answers with the saved-for status; when a question
  // that others depend on was saved, the step may have changed.
  form.addEventListener('dxready:saved', function (ev) {
    var fieldset = document.getElementById('q-' + ev.detail);
    if (fieldset && fieldset.hasAttribute('data-gateway')) { refresh(); }
  });
})();
