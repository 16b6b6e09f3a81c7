/*
 * Holdfast login page: progressive enhancement of the plain form (which works without this file).
 *
 * Posts the form to /auth/login asking for JSON. On a network error, or a 5xx that is not the
 * server's own definite "503 temporarily_unavailable" (which means: no tier can vouch for you now),
 * it tries /auth/emergency-login exactly once, then goes where the user was headed.
 * No inline script, no eval: works under a strict Content-Security-Policy.
 */
(function () {
  'use strict';

  var form = document.getElementById('login-form');
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData) {
    return; // the plain form does the job
  }

  var MESSAGES = {
    invalid: 'That username and password don\u2019t match. Check them and try again.',
    unavailable: 'Sign-in is temporarily unavailable: we can\u2019t reach the user database right now. ' +
      'Your password is not the problem. Please try again in a minute.',
    throttled: 'Too many sign-in attempts. Wait a minute, then try again.',
    request: 'The sign-in form was incomplete. Enter your username and password.',
    failed: 'Sign-in didn\u2019t work. Please try again.'
  };

  var context = form.getAttribute('data-context') || '';
  var primaryUrl = form.getAttribute('action');
  var emergencyUrl = form.getAttribute('data-emergency');
  var message = document.getElementById('login-message');
  var button = form.querySelector('button[type="submit"]');
  var busy = false;

  // Same rule as the server: a path inside this app, never //host, /\host, a scheme or an encoded variant.
  function isLocalPath(path) {
    var current = path;
    for (var round = 0; round < 3; round++) {
      if (typeof current !== 'string' || current.length === 0 || current.length > 2048) { return false; }
      if (current.charAt(0) !== '/') { return false; }
      if (current.length > 1 && (current.charAt(1) === '/' || current.charAt(1) === '\\')) { return false; }
      if (/[\\\u0000-\u0020\u007f]/.test(current)) { return false; }
      var decoded = current.replace(/%([0-9a-fA-F]{2})/g, function (all, hex) {
        return String.fromCharCode(parseInt(hex, 16));
      });
      if (decoded === current) { return true; }
      current = decoded;
    }
    return false;
  }

  function destination() {
    var next = form.elements.next ? form.elements.next.value : '';
    return context + (isLocalPath(next) ? next : '/');
  }

  function show(kind, retryAfter) {
    var text = MESSAGES[kind] || MESSAGES.failed;
    var seconds = parseInt(retryAfter, 10);
    if ((kind === 'throttled' || kind === 'unavailable') && seconds > 0 && seconds <= 3600) {
      text += ' (You can try again in ' + seconds + ' second' + (seconds === 1 ? '' : 's') + '.)';
    }
    message.textContent = text;
    message.className = 'notice notice-error';
    message.hidden = false;
  }

  function setBusy(value) {
    busy = value;
    if (button) {
      button.disabled = value;
      button.setAttribute('aria-busy', value ? 'true' : 'false');
    }
  }

  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      headers: {
        'Accept': 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8'
      },
      body: body,
      credentials: 'same-origin',
      redirect: 'manual',
      cache: 'no-store'
    });
  }

  function errorCode(response) {
    return response.json().then(function (json) {
      return json && typeof json.error === 'string' ? json.error : '';
    }, function () {
      return '';
    });
  }

  // Settles with 'navigated', 'done' (message shown) or 'fallback' (worth one try at the emergency endpoint).
  function handle(response, isEmergency) {
    if (response.type === 'opaqueredirect') {
      // The server answered as for a browser form: let the plain form take that path.
      form.submit();
      return Promise.resolve('navigated');
    }
    var status = response.status;
    if (status >= 200 && status < 300) {
      window.location.assign(destination());
      return Promise.resolve('navigated');
    }
    if (status === 401) { show('invalid'); return Promise.resolve('done'); }
    if (status === 429) { show('throttled', response.headers.get('Retry-After')); return Promise.resolve('done'); }
    if (status === 400 || status === 413) { show('request'); return Promise.resolve('done'); }
    if (isEmergency && (status === 404 || status === 405 || status === 403)) {
      show('unavailable'); // emergency login is off here or not for this address
      return Promise.resolve('done');
    }
    if (status === 503) {
      return errorCode(response).then(function (code) {
        if (code === 'temporarily_unavailable' || isEmergency) {
          show('unavailable', response.headers.get('Retry-After'));
          return 'done';
        }
        return 'fallback'; // a 503 from something in between (proxy, container): not the login tier's answer
      });
    }
    if (status >= 500) {
      if (isEmergency) { show('unavailable'); return Promise.resolve('done'); }
      return Promise.resolve('fallback');
    }
    show('failed');
    return Promise.resolve('done');
  }

  function attempt(url, body, isEmergency) {
    return post(url, body).then(function (response) {
      return handle(response, isEmergency);
    }, function () {
      return isEmergency ? (show('unavailable'), 'done') : 'fallback';
    });
  }

  form.addEventListener('submit', function (event) {
    // The browser has already checked the required fields before it fires submit.
    event.preventDefault();
    if (busy) { return; }
    setBusy(true);
    message.hidden = true;
    var body = new URLSearchParams(new FormData(form)).toString();
    attempt(primaryUrl, body, false).then(function (outcome) {
      if (outcome === 'fallback' && emergencyUrl) {
        return attempt(emergencyUrl, body, true);
      }
      if (outcome === 'fallback') { show('unavailable'); }
      return outcome;
    }).then(function (outcome) {
      if (outcome !== 'navigated') { setBusy(false); }
    }, function () {
      show('failed');
      setBusy(false);
    });
  });
}());
