// "Exit this page": a progressive enhancement of the plain link at the top of every page,
// after the GOV.UK Design System component. Without JavaScript the link still works.
//
// With JavaScript, choosing the link or pressing the Shift key three times within five
// seconds blanks the page and replaces it with a neutral site, so that the Back button does
// not return here where the browser allows. Escape is not used: assistive technology needs it.
(function () {
  'use strict';

  var PRESSES_NEEDED = 3;
  var RESET_AFTER_MS = 5000;

  var link = document.querySelector('.js-exit-this-page');
  var status = document.getElementById('exit-status');
  var alertBox = document.getElementById('exit-alert');
  if (!link || !status || !alertBox) {
    return;
  }

  var presses = 0;
  var resetTimer = null;
  // True while another key is held with Shift (Shift+A is typing, not a request to leave).
  var shiftUsedAsModifier = false;

  function announce(text) {
    status.textContent = text;
  }

  function exitPage() {
    document.body.classList.add('exiting');
    alertBox.textContent = 'Exiting this page';
    window.location.replace(link.href);
  }

  function reset() {
    presses = 0;
    resetTimer = null;
    announce('Exit this page expired.');
  }

  link.addEventListener('click', function (event) {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    exitPage();
  });

  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Shift' && event.shiftKey) {
      shiftUsedAsModifier = true;
    }
  });

  document.addEventListener('keyup', function (event) {
    if (event.key !== 'Shift') {
      return;
    }
    if (shiftUsedAsModifier) {
      shiftUsedAsModifier = false;
      return;
    }
    presses += 1;
    if (resetTimer !== null) {
      window.clearTimeout(resetTimer);
    }
    if (presses >= PRESSES_NEEDED) {
      presses = 0;
      resetTimer = null;
      announce('Shift pressed ' + PRESSES_NEEDED + ' of ' + PRESSES_NEEDED + ' times.');
      exitPage();
      return;
    }
    announce('Shift pressed ' + presses + ' of ' + PRESSES_NEEDED + ' times. ' +
      'Press Shift ' + (PRESSES_NEEDED - presses) + ' more ' +
      (PRESSES_NEEDED - presses === 1 ? 'time' : 'times') + ' to exit this page.');
    resetTimer = window.setTimeout(reset, RESET_AFTER_MS);
  });

  // Coming back through the browser's history cache: show the page again.
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) {
      document.body.classList.remove('exiting');
      alertBox.textContent = '';
      announce('');
      presses = 0;
    }
  });
}());
