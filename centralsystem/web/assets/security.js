// The security page: the operator CA (its certificate to hand to chargers and installers) and the chargers' security
// events, filtered by charger, type, time and severity; critical events (the whitepaper's list) are marked high.
import { get, enc } from './api.js';
import { h, clear, field, showError, when } from './ui.js';

function caCard(ca) {
  if (!ca) {
    return h('div', { class: 'card' }, h('p', {}, 'No operator CA is configured. Start the central system with ',
      h('code', {}, '--cpo-name'), ' and ', h('code', {}, '--ca-passphrase-file'), ' to create one.'));
  }
  const pem = h('textarea', { readonly: true, rows: 6, cols: 66, name: 'caPem', 'aria-label': 'CA certificate (PEM)' });
  pem.value = ca.certificate;
  return h('div', { class: 'card', id: 'ca-card' },
    h('dl', {},
      h('dt', {}, 'Subject'), h('dd', { id: 'ca-subject' }, ca.subject),
      h('dt', {}, 'CpoName'), h('dd', {}, ca.cpoName),
      h('dt', {}, 'Serial number'), h('dd', {}, ca.serialNumber),
      h('dt', {}, 'Valid'), h('dd', {}, `${when(ca.notBefore)} – ${when(ca.notAfter)}`),
      h('dt', {}, 'Key'), h('dd', {}, ca.keyType),
      h('dt', {}, 'SHA-256 fingerprint'), h('dd', {}, h('code', {}, ca.sha256Fingerprint)),
      h('dt', {}, 'Origin'), h('dd', {}, ca.origin)),
    field('Certificate (PEM)', pem, 'Install it on chargers as their trust anchor for certificates this CA signs.'));
}

export async function render(view, ctx) {
  const charger = h('input', { name: 'chargeBoxId', maxlength: 48, autocomplete: 'off',
    value: ctx.query.get('chargeBoxId') || '' });
  const type = h('input', { name: 'type', maxlength: 50, autocomplete: 'off', list: 'security-types',
    value: ctx.query.get('type') || '' });
  const from = h('input', { name: 'from', type: 'datetime-local' });
  const to = h('input', { name: 'to', type: 'datetime-local' });
  const critical = h('input', { name: 'critical', type: 'checkbox' });
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  const types = h('datalist', { id: 'security-types' }, ['FirmwareUpdated', 'FailedToAuthenticateAtCentralSystem',
    'CentralSystemFailedToAuthenticate', 'SettingSystemTime', 'StartupOfTheDevice', 'ResetOrReboot',
    'SecurityLogWasCleared', 'ReconfigurationOfSecurityParameters', 'MemoryExhaustion', 'InvalidMessages',
    'AttemptedReplayAttacks', 'TamperDetectionActivated', 'InvalidFirmwareSignature',
    'InvalidFirmwareSigningCertificate', 'InvalidCentralSystemCertificate', 'InvalidChargePointCertificate',
    'InvalidTLSVersion', 'InvalidTLSCipherSuite'].map((t) => h('option', { value: t })));
  const form = h('form', { class: 'filters', novalidate: true, 'aria-label': 'Filter security events' },
    field('Chargebox ID', charger), field('Type', type), types, field('From', from), field('To', to),
    h('div', { class: 'field' }, h('label', {}, critical, ' Critical only')),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'btn primary' }, 'Filter')), msg);
  const body = h('tbody', { id: 'security-events' });
  const more = h('button', { type: 'button', class: 'btn', style: 'display: none' }, 'Older events');
  const caBox = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  let next = null;

  const query = () => {
    const q = new URLSearchParams();
    if (charger.value.trim()) q.set('chargeBoxId', charger.value.trim());
    if (type.value.trim()) q.set('type', type.value.trim());
    if (from.value) q.set('from', new Date(from.value).toISOString());
    if (to.value) q.set('to', new Date(to.value).toISOString());
    if (critical.checked) q.set('critical', 'true');
    return q;
  };
  const rows = (events) => events.map((e) => h('tr', { dataset: { severity: e.severity } },
    h('td', {}, when(e.timestamp)),
    h('td', {}, h('a', { href: `#/chargers/${enc(e.chargeBoxId)}` }, e.chargeBoxId)),
    h('td', {}, e.type),
    h('td', {}, h('span', { class: e.severity === 'high' ? 'badge-high' : 'badge-low' },
      e.severity === 'high' ? 'Critical' : 'Info')),
    h('td', {}, e.techInfo || '')));
  const load = async (append) => {
    const q = query();
    if (append && next) q.set('before', String(next));
    const data = await get(`security-events?${q}`);
    next = data.nextBefore;
    more.style.display = next === null ? 'none' : ''; // .btn's display would win over [hidden]
    if (append) body.append(...rows(data.events));
    else clear(body, data.events.length ? rows(data.events)
      : h('tr', {}, h('td', { colspan: 5 }, 'No security events match.')));
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.hidden = true;
    try {
      await load(false);
    } catch (e) {
      showError(form, e, msg);
    }
  });
  more.addEventListener('click', () => load(true).catch(() => {}));

  clear(view, h('h1', {}, 'Security'),
    h('section', { 'aria-labelledby': 'h-ca' }, h('h2', { id: 'h-ca' }, 'Operator CA'), caBox),
    h('section', { 'aria-labelledby': 'h-events' }, h('h2', { id: 'h-events' }, 'Security events'),
      h('div', { class: 'card' }, form),
      h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Security events'),
        h('thead', {}, h('tr', {}, ['Time', 'Charger', 'Type', 'Severity', 'Details']
          .map((c) => h('th', { scope: 'col' }, c)))), body)), more));
  get('ca').then((d) => clear(caBox, caCard(d.ca))).catch((e) => clear(caBox, e.status === 404 ? caCard(null)
    : h('p', { class: 'error', role: 'alert' }, e.message)));
  try {
    await load(false);
  } catch (e) {
    showError(form, e, msg);
  }
  return null;
}
