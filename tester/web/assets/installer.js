// The installer page: start a test, show what to configure in the charger, follow the checks live by polling the
// test's state (cheap 304s while nothing changed), then show the claiming code and the reports.
import { ApiError, abortTest, getTest, savedToken, saveToken, startTest } from './api.js';
import { bannerFor, el, progressText, renderChecks, renderFacts } from './render.js';
import { groups, spellGroups } from './spell.js';

const POLL_MS = 1000;
const MAX_BACKOFF_MS = 5000;
const MAX_POLLS = 3 * 3600; // a test lasts minutes; stop asking after about three hours whatever happens
const ID_PATTERN = /^[A-Za-z0-9.\-_*+|@=]{1,48}$/;
const FINAL = new Set(['passed', 'failed', 'aborted']);

const $ = (id) => document.getElementById(id);

// What only the creation answer carries (the password above all), kept per test for reloads of this tab.
const secrets = {
  save(id, s) {
    try {
      sessionStorage.setItem('ocpp-tester.test.' + id, JSON.stringify(s));
    } catch {
      // storage unavailable: the values live as long as the page
    }
    this.memory[id] = s;
  },
  load(id) {
    if (this.memory[id]) return this.memory[id];
    try {
      return JSON.parse(sessionStorage.getItem('ocpp-tester.test.' + id) || 'null');
    } catch {
      return null;
    }
  },
  memory: {},
};

let watch = null; // {id, etag, timer, polls, failures, state, countdown}

function show(section) {
  $('start').hidden = section !== 'start';
  $('test').hidden = section !== 'test';
}

function setError(node, message) {
  node.textContent = message || '';
  node.hidden = !message;
}

function fieldError(message) {
  const input = $('cbid');
  setError($('cbid-error'), message);
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

// ---- starting a test ----

function showForm(prefill) {
  stopWatching();
  history.replaceState(null, '', location.pathname + location.search);
  show('start');
  $('cbid').value = prefill ? prefill.chargeBoxId : '';
  $('charging').checked = !!(prefill && prefill.chargingTest);
  $('anypw').checked = !!(prefill && prefill.acceptAnyPassword);
  const chosen = (prefill && prefill.profiles) || [];
  for (const box of document.querySelectorAll('#profiles input')) box.checked = chosen.includes(box.value);
  $('token').value = savedToken();
  $('again-note').hidden = !$('start-form').dataset.password;
  fieldError('');
  setError($('start-error'), '');
  $('cbid').focus();
}

async function onStart(event) {
  event.preventDefault();
  const chargeBoxId = $('cbid').value.trim();
  fieldError('');
  setError($('start-error'), '');
  if (!chargeBoxId) {
    fieldError('Enter the Chargebox ID configured in the charger.');
    $('cbid').focus();
    return;
  }
  if (!ID_PATTERN.test(chargeBoxId)) {
    fieldError('Use 1 to 48 letters, digits and . - _ * + | @ = only (no spaces or slashes).');
    $('cbid').focus();
    return;
  }
  const fields = { chargeBoxId, chargingTest: $('charging').checked, acceptAnyPassword: $('anypw').checked };
  fields.profiles = Array.from(document.querySelectorAll('#profiles input:checked'), (box) => box.value);
  // Testing the same charger again keeps the password it was configured with, so nothing needs retyping.
  const again = $('start-form').dataset.password;
  if (again && $('start-form').dataset.chargeBoxId === chargeBoxId && !fields.acceptAnyPassword) fields.password = again;
  const token = $('token').value.trim();
  const button = $('start-button');
  button.disabled = true;
  button.textContent = 'Starting…';
  try {
    const { data } = await startTest(fields, token);
    if (token) saveToken(token);
    secrets.save(data.id, {
      password: data.password,
      heartbeatInterval: data.heartbeatInterval,
      chargingTest: fields.chargingTest,
      acceptAnyPassword: fields.acceptAnyPassword,
    });
    location.hash = 'test=' + encodeURIComponent(data.id);
    watchTest(data.id, data);
    $('test-title').focus();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      $('token-field').hidden = false;
      setError($('start-error'), token
        ? 'This access code is not accepted: check it with whoever runs the tester.'
        : 'This tester needs its access code: enter it above and start again.');
      $('token').focus();
      $('token').select();
    } else if (e instanceof ApiError && e.field === 'chargeBoxId') {
      fieldError(capitalize(e.message) + '.');
      $('cbid').focus();
    } else {
      setError($('start-error'), 'Could not start the test: ' + (e.message || e) + '.');
    }
  } finally {
    button.disabled = false;
    button.textContent = 'Start test';
  }
}

function capitalize(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

// ---- watching a test ----

function stopWatching() {
  if (!watch) return;
  clearTimeout(watch.timer);
  clearInterval(watch.countdown);
  watch = null;
}

function watchTest(id, initial) {
  stopWatching();
  show('test');
  watch = { id, etag: '', timer: 0, polls: 0, failures: 0, state: null, countdown: 0 };
  $('banner-text').textContent = '';
  $('checks').replaceChildren();
  if (initial) render(initial);
  watch.countdown = setInterval(updateCountdown, 1000);
  poll();
}

async function poll() {
  const w = watch;
  if (!w) return;
  w.polls += 1;
  let delay = POLL_MS;
  try {
    const answer = await getTest(w.id, w.etag);
    if (w !== watch) return;
    w.failures = 0;
    setError($('connection-note'), '');
    if (answer.status === 200) {
      w.etag = answer.etag;
      render(answer.data);
    }
  } catch (e) {
    if (w !== watch) return;
    if (e instanceof ApiError && e.status === 404) {
      setError($('connection-note'), 'The tester no longer knows this test (finished tests are kept for an hour). Start a new one.');
      $('banner').className = 'banner failed';
      $('banner-text').textContent = 'This test is gone.';
      return;
    }
    w.failures += 1;
    delay = Math.min(MAX_BACKOFF_MS, POLL_MS * 2 ** w.failures);
    setError($('connection-note'), 'Connection to the tester lost (' + e.message + '); trying again.');
  }
  const s = w.state;
  const done = s && FINAL.has(s.state) && s.claimStatus !== 'issuing';
  if (!done && w.polls < MAX_POLLS) w.timer = setTimeout(poll, delay);
}

function updateCountdown() {
  const s = watch && watch.state;
  const node = $('countdown');
  if (!s || s.state !== 'waiting' || !s.expiresAt) {
    node.textContent = '';
    return;
  }
  const left = Math.max(0, Math.round((Date.parse(s.expiresAt) - Date.now()) / 1000));
  const until = new Date(s.expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  node.textContent = 'The charger must connect by ' + until + ' (' + Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0') + ' left).';
}

function baseUrl(url) {
  const slash = url.lastIndexOf('/');
  return slash > 'wss://'.length ? url.slice(0, slash) : url;
}

function render(s) {
  const w = watch;
  w.state = s;
  const secret = secrets.load(s.id || s.testId) || {};
  $('t-cbid').textContent = s.chargeBoxId;
  document.title = s.chargeBoxId + ': ' + s.state + ' · charger connection test';

  const banner = bannerFor(s);
  $('banner').className = 'banner ' + banner.kind;
  if ($('banner-text').textContent !== banner.text) $('banner-text').textContent = banner.text;
  updateCountdown();

  $('c-url').textContent = baseUrl(s.url || '');
  $('c-id').textContent = s.chargeBoxId;
  const pw = $('c-pw');
  if (s.acceptAnyPassword) {
    pw.textContent = 'any: keep the charger’s own password';
    pw.dataset.copyText = '';
  } else if (secret.password) {
    pw.replaceChildren(...groups(secret.password).map((g) => el('span', 'group', g)));
    pw.dataset.copyText = secret.password;
  } else {
    pw.textContent = 'shown only where the test was started';
    pw.dataset.copyText = '';
  }
  document.querySelector('[data-copy="c-pw"]').hidden = !pw.dataset.copyText;
  const notes = ['Whole URL, for chargers that want it with the ID: ' + (s.url || '') + '.'];
  if (secret.password) notes.push('The spaces in the password are only for reading; type it without them.');
  if (secret.heartbeatInterval) notes.push('The tester sets a heartbeat interval of ' + secret.heartbeatInterval + ' s.');
  $('c-note').textContent = notes.join(' ');
  $('configure').hidden = FINAL.has(s.state) && s.state === 'passed';

  const checks = Array.isArray(s.checks) ? s.checks : [];
  renderChecks($('checks'), checks);
  // With a failure, what to fix comes before the settings (in the DOM, so the reading order follows).
  const failing = checks.some((c) => c.verdict === 'fail');
  const [first, second] = failing ? [$('checks-section'), $('configure')] : [$('configure'), $('checks-section')];
  if (first.nextElementSibling !== second) first.after(second);
  $('progress').textContent = checks.length ? '(' + progressText(checks) + ')' : '';
  $('charger').hidden = !renderFacts($('facts'), s.charger);
  renderClaim(s);

  const links = s.links || {};
  for (const [node, href] of [['r-html', links.reportHtml], ['r-json', links.reportJson], ['r-xml', links.reportXml], ['r-capture', links.capture]]) {
    if (href) $(node).href = href;
  }
  const finished = FINAL.has(s.state);
  $('abort').hidden = finished;
  $('again').hidden = !finished || s.state === 'passed';
}

function renderClaim(s) {
  const code = s.claim && s.claim.code;
  $('claim').hidden = !code;
  if (!code) return;
  const shown = $('claim-code');
  if (shown.dataset.code === code) return;
  shown.dataset.code = code;
  shown.replaceChildren(...groups(code).map((g) => el('span', 'group', g)));
  $('claim-spelled').replaceChildren(
    ...groups(code).map((g, i) => {
      const li = el('li');
      li.append(el('span', 'spelled-group', g), document.createTextNode(' ' + spellGroups(code)[i]));
      return li;
    }),
  );
  const until = s.claim.expiresAt ? new Date(s.claim.expiresAt).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' }) : '';
  $('claim-note').textContent = 'The operator enters it in the central system to add ' + s.chargeBoxId +
    ' with its password. It works once' + (until ? ' and is valid until ' + until : '') + '.';
}

// ---- buttons ----

async function copy(text, button) {
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    // Plain http on a site network is not a secure context: fall back to a selection and the old copy command.
    const area = el('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
  }
  const label = button.textContent;
  button.textContent = ok ? 'Copied ✓' : 'Select and copy by hand';
  setTimeout(() => (button.textContent = label), 2000);
}

function onCopy(event) {
  const button = event.target.closest('button.copy');
  if (!button) return;
  const node = $(button.dataset.copy);
  copy(node.dataset.copyText !== undefined && node.dataset.copyText !== '' ? node.dataset.copyText : node.textContent, button);
}

async function onAbort() {
  const w = watch;
  if (!w || !window.confirm('Abort the test of ' + (w.state ? w.state.chargeBoxId : 'this charger') + '?')) return;
  try {
    const { data } = await abortTest(w.id);
    if (w === watch) render(data);
  } catch (e) {
    setError($('connection-note'), 'Could not abort the test: ' + e.message + '.');
  }
}

function onAgain(fresh) {
  const s = watch && watch.state;
  const secret = s ? secrets.load(s.id) || {} : {};
  const form = $('start-form');
  form.dataset.password = fresh || !secret.password ? '' : secret.password;
  form.dataset.chargeBoxId = fresh || !s ? '' : s.chargeBoxId;
  showForm(fresh || !s ? null : { chargeBoxId: s.chargeBoxId, chargingTest: s.chargingTest, acceptAnyPassword: s.acceptAnyPassword, profiles: s.profiles });
}

function route() {
  const match = /^#test=([A-Za-z0-9]+)$/.exec(location.hash);
  if (match) {
    if (!watch || watch.id !== match[1]) watchTest(match[1]);
  } else if (!$('test').hidden || $('start').hidden) {
    showForm(null);
  }
}

function init() {
  $('start-form').addEventListener('submit', onStart);
  $('configure').addEventListener('click', onCopy);
  $('copy-claim').addEventListener('click', (e) => copy($('claim-code').dataset.code || '', e.currentTarget));
  $('abort').addEventListener('click', onAbort);
  $('again').addEventListener('click', () => onAgain(false));
  $('new').addEventListener('click', () => onAgain(true));
  $('print').addEventListener('click', () => window.print());
  window.addEventListener('hashchange', route);
  if (savedToken()) $('token-field').hidden = false;
  $('start').hidden = true;
  route();
}

init();
