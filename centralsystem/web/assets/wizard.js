// Create-charger wizard: claiming code (checked as it is typed; what the tester saw fills in the rest) or free choice,
// hardware (a catalogue model fills in the charge points), one step per charge point, a summary that marks what
// cannot be changed later (printable, with SIM data and a QR code per EVSE ID), then "Go to details" leads on.
import { get, post, enc } from './api.js';
import { h, clear, field, showError, options, labelOf, STANDARDS, FORMATS, POWER_TYPES } from './ui.js';
import { qrSvg } from './qr.js';

function newPoint(i) {
  return { connectorId: i + 1, evseId: '', standard: 'IEC_62196_T2', format: 'SOCKET', powerType: 'AC_3_PHASE',
    maxPowerKw: '22' };
}

const CLAIM_PATTERN = /^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}-?[0-9A-Za-z]{2}$/;

// The charge points of `count` connectors, keeping what was entered and taking a catalogue model's connectors.
function resize(points, count, connectors) {
  const out = [];
  for (let i = 0; i < count; i += 1) {
    const p = points[i] || newPoint(i);
    const c = connectors && connectors[Math.min(i, connectors.length - 1)];
    out.push(c ? { ...p, standard: c.standard, format: c.format, powerType: c.powerType, maxPowerKw: String(c.maxPowerKw) }
      : p);
  }
  return out;
}

function randomPassword() {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export async function render(view, ctx) {
  const s = { useClaim: true, claimCode: '', chargeBoxId: '', password: '', provider: '', vendor: '', model: '',
    count: 1, points: [newPoint(0)], step: 0, created: null, claim: null, claimError: '', models: [], modelKey: '' };
  let checking = null; // the claiming code being checked
  const checkClaim = async (code, status) => {
    s.claim = null;
    s.claimError = '';
    if (!CLAIM_PATTERN.test(code)) { clear(status); return; }
    checking = code;
    status.hidden = false; // a refused Next hides the field's messages
    clear(status, 'Checking the code…');
    try {
      const c = await get(`claims/${enc(code.toUpperCase())}`);
      if (checking !== code) return;
      s.claim = c;
      s.vendor = s.vendor || c.vendor;
      s.model = s.model || c.model;
      if (c.connectors > 0) {
        s.count = Math.min(8, c.connectors);
        s.points = resize(s.points, s.count);
      }
      clear(status, h('strong', {}, `${c.chargeBoxId}`), `: ${[c.vendor, c.model].filter(Boolean).join(' ') || 'vendor not reported'}`,
        c.serial ? `, serial ${c.serial}` : '', c.firmware ? `, firmware ${c.firmware}` : '',
        `, ${c.connectors === 1 ? '1 connector' : `${c.connectors} connectors`} seen by the tester.`);
      status.className = 'hint ok';
      status.hidden = false;
    } catch (e) {
      if (checking !== code) return;
      s.claimError = e.message;
      clear(status, e.message);
      status.className = 'hint claim-error';
      status.hidden = false;
    }
  };
  get('hardware-models').then((d) => { s.models = d.models || []; if (s.step === 1) draw(); }).catch(() => {});
  const stepNames = () => ['Identity', 'Hardware', ...s.points.map((_, i) => `Charge point ${i + 1}`), 'Summary'];

  const draw = () => {
    const names = stepNames();
    const steps = h('ol', { class: 'steps', 'aria-label': 'Steps' }, names.map((n, i) =>
      h('li', { 'aria-current': i === s.step ? 'step' : false }, `${i + 1}. ${n}`)));
    const title = s.created ? 'Charging station created' : `Create charging station: ${names[s.step]}`;
    clear(view, h('h1', {}, title), s.created ? null : steps, s.created ? done() : stepForm());
    const first = view.querySelector('input:not([type=hidden]), select');
    if (first && !s.created) first.focus();
  };

  const stepForm = () => {
    const form = h('form', { class: 'card', novalidate: true });
    const msg = h('p', { class: 'error', role: 'alert', hidden: true });
    const last = stepNames().length - 1;
    const bind = (input, obj, key) => {
      input.addEventListener('input', () => { obj[key] = input.type === 'checkbox' ? input.checked : input.value; });
      input.addEventListener('change', () => { obj[key] = input.value; });
      return input;
    };
    if (s.step === 0) {
      const yes = h('input', { type: 'radio', name: 'useClaim', value: 'yes', checked: s.useClaim });
      const no = h('input', { type: 'radio', name: 'useClaim', value: 'no', checked: !s.useClaim });
      const toggle = () => { s.useClaim = yes.checked; draw(); };
      yes.addEventListener('change', toggle);
      no.addEventListener('change', toggle);
      form.append(h('fieldset', {}, h('legend', {}, 'Do you have a claiming code from the installer?'),
        h('label', { class: 'switch' }, yes, 'Yes: the code fills in the Chargebox ID and password'),
        h('label', { class: 'switch' }, no, 'No: I choose the Chargebox ID and password')));
      if (s.useClaim) {
        const status = h('p', { class: s.claim ? 'hint ok' : 'hint', role: 'status', dataset: { claimStatus: '' } });
        const input = bind(h('input', { name: 'claimCode', value: s.claimCode, required: true,
          autocomplete: 'off', placeholder: '7KQF-3M9X-TR', autocapitalize: 'characters' }), s, 'claimCode');
        input.addEventListener('input', () => checkClaim(input.value.trim(), status));
        form.append(field('Claiming code', input,
          'The code ocpp-tester printed after the charger passed its test. It works once.'), status);
        if (s.claim) status.append(`${s.claim.chargeBoxId} (${s.claim.connectors} connectors) is ready to create.`);
      } else {
        form.append(
          field('Chargebox ID', bind(h('input', { name: 'chargeBoxId', value: s.chargeBoxId, required: true,
            maxlength: 48, autocomplete: 'off' }), s, 'chargeBoxId'),
          'Letters, digits and . - _ : * — the charger uses it in its URL. Cannot be changed later.'),
          field('HTTP Basic password', bind(h('input', { name: 'password', value: s.password, maxlength: 64,
            autocomplete: 'new-password' }), s, 'password'),
          'The password the charger presents (security profiles 1 and 2). Leave empty to capture it on first connection.'));
        form.append(h('button', { type: 'button', class: 'btn', onclick: () => {
          s.password = randomPassword();
          form.querySelector('[name=password]').value = s.password;
        } }, 'Generate a password'));
      }
      form.append(field('Provider', bind(h('input', { name: 'provider', value: s.provider, maxlength: 64 }), s,
        'provider'), 'Optional: the operator or customer this charger belongs to.'));
    } else if (s.step === 1) {
      const pick = h('select', { name: 'hardwareModel' }, h('option', { value: '' }, 'Enter by hand'),
        s.models.map((m) => h('option', { value: `${m.vendor}\u0000${m.model}`,
          selected: `${m.vendor}\u0000${m.model}` === s.modelKey },
        `${m.vendor} ${m.model} (${m.connectors.length} × ${m.connectors.map((c) => `${c.maxPowerKw} kW`)[0]}${m.shipped ? '' : ', own'})`)));
      pick.addEventListener('change', () => {
        s.modelKey = pick.value;
        const m = s.models.find((x) => `${x.vendor}\u0000${x.model}` === pick.value);
        if (m) {
          s.vendor = m.vendor;
          s.model = m.model;
          s.count = s.claim && s.claim.connectors > 0 ? Math.min(8, s.claim.connectors) : m.connectors.length;
          s.points = resize(s.points, s.count, m.connectors);
        }
        draw();
      });
      form.append(field('Hardware model', pick,
        'A model from the catalogue fills in vendor, model and each charge point\'s connector type, format, mode and power.'));
      if (s.claim) {
        form.append(h('p', { class: 'hint' }, `The tester saw: ${[s.claim.vendor, s.claim.model].filter(Boolean).join(' ')}`,
          s.claim.serial ? `, serial ${s.claim.serial}` : '', s.claim.firmware ? `, firmware ${s.claim.firmware}` : '',
          `, ${s.claim.connectors} connectors.`));
      }
      form.append(
        field('Vendor', bind(h('input', { name: 'vendor', value: s.vendor, maxlength: 64 }), s, 'vendor'),
          s.useClaim ? 'Leave empty to take what the tester saw.' : 'For example KEBA, ABB, Alfen.'),
        field('Model', bind(h('input', { name: 'model', value: s.model, maxlength: 64 }), s, 'model')),
        field('Number of charge points', h('input', { name: 'count', type: 'number', min: 1, max: 8, value: s.count,
          oninput: (ev) => {
            const n = Math.max(1, Math.min(8, Number(ev.target.value) || 1));
            s.count = n;
            while (s.points.length < n) s.points.push(newPoint(s.points.length));
            s.points.length = n;
          } }), 'One charge point (EVSE) per connector the charger reports.'));
    } else if (s.step < last) {
      const p = s.points[s.step - 2];
      form.dataset.point = String(s.step - 2);
      const prefix = `chargePoints/${s.step - 2}/`;
      const f = (label, control, hint) => {
        const box = field(label, control, hint);
        box.dataset.field = prefix + control.name;
        return box;
      };
      form.append(
        h('p', {}, `Connector ${p.connectorId} of the charger.`),
        f('EVSE ID', bind(h('input', { name: 'evseId', value: p.evseId, required: true, maxlength: 48,
          placeholder: 'DE*ABC*E123456*1' }), p, 'evseId'),
        'ISO 15118 / eMI3 form: country*operator*E<id>*<connector>. Cannot be changed later.'),
        f('Connector type', bind(h('select', { name: 'standard' }, options(STANDARDS, p.standard)), p, 'standard')),
        f('Format', bind(h('select', { name: 'format' }, options(FORMATS, p.format)), p, 'format')),
        f('Charging mode', bind(h('select', { name: 'powerType' }, options(POWER_TYPES, p.powerType)), p, 'powerType')),
        f('Maximum power (kW)', bind(h('input', { name: 'maxPowerKw', type: 'number', min: 0.1, max: 2000, step: 0.1,
          value: p.maxPowerKw }), p, 'maxPowerKw')));
    } else {
      form.append(summary());
    }
    form.append(msg);
    const back = s.step > 0 ? h('button', { type: 'button', class: 'btn', onclick: () => { s.step -= 1; draw(); } },
      'Back') : null;
    const next = h('button', { type: 'submit', class: 'btn primary' }, s.step === last ? 'Create charging station' : 'Next');
    const print = s.step === last ? h('button', { type: 'button', class: 'btn', onclick: () => window.print() },
      'Print summary') : null;
    form.append(h('div', { class: 'actions' }, back, next, print));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const problem = check(form);
      if (problem) return showError(form, problem, msg);
      if (s.step < last) { s.step += 1; draw(); return; }
      next.disabled = true;
      try {
        s.created = await post('chargers', body());
        draw();
      } catch (e) {
        next.disabled = false;
        const m = /^chargePoints\/(\d+)\//.exec(e.field || '');
        const target = m ? 2 + Number(m[1]) : ['claimCode', 'chargeBoxId', 'password', 'provider'].includes(e.field) ? 0
          : ['vendor', 'model'].includes(e.field) ? 1 : last;
        if (target !== s.step) { s.step = target; draw(); }
        const f = view.querySelector('form');
        showError(f, e, f.querySelector('p.error[role=alert]'));
      }
    });
    return form;
  };

  // Checks the current step before moving on; returns {field, message} or null.
  const check = (form) => {
    if (s.step === 0 && s.useClaim && !CLAIM_PATTERN.test(s.claimCode.trim())) {
      return { field: 'claimCode', message: 'Enter the claiming code as printed, like 7KQF-3M9X-TR.' };
    }
    if (s.step === 0 && s.useClaim && s.claimError) return { field: 'claimCode', message: s.claimError };
    if (s.step === 0 && !s.useClaim && !/^[A-Za-z0-9.\-_:*]{1,48}$/.test(s.chargeBoxId.trim())) {
      return { field: 'chargeBoxId', message: 'The Chargebox ID takes 1 to 48 letters, digits or . - _ : *.' };
    }
    const i = Number(form.dataset.point);
    if (form.dataset.point !== undefined && !s.points[i].evseId.trim()) {
      return { field: `chargePoints/${i}/evseId`, message: 'Enter the EVSE ID of this charge point.' };
    }
    return null;
  };

  const body = () => {
    const b = s.useClaim ? { claimCode: s.claimCode.trim().toUpperCase() }
      : { chargeBoxId: s.chargeBoxId.trim(), ...(s.password ? { password: s.password } : {}) };
    for (const k of ['provider', 'vendor', 'model']) if (s[k].trim()) b[k] = s[k].trim();
    b.chargePoints = s.points.map((p) => ({ connectorId: p.connectorId, evseId: p.evseId.trim(), standard: p.standard,
      format: p.format, powerType: p.powerType, ...(p.maxPowerKw ? { maxPowerKw: Number(p.maxPowerKw) } : {}) }));
    return b;
  };

  const summary = (charger) => {
    const fixed = h('span', { class: 'fixed' }, ' (cannot be changed later)');
    const row = (label, value, isFixed) => [h('dt', {}, label, isFixed ? fixed.cloneNode(true) : null), h('dd', {}, value || '—')];
    const id = charger ? charger.chargeBoxId : s.claim ? s.claim.chargeBoxId
      : s.useClaim ? `from claiming code ${s.claimCode.trim().toUpperCase()}` : s.chargeBoxId;
    const seen = (charger && charger.boot) || s.claim || {};
    return h('section', { class: 'summary', 'aria-label': 'Summary' },
      h('h2', {}, 'Summary'),
      h('dl', {},
        row('Chargebox ID', id, true),
        row('HTTP Basic password', s.useClaim ? 'from the claiming code' : s.password ? 'set (not shown)' : 'captured at the first connection'),
        row('Provider', charger ? charger.provider : s.provider),
        row('Vendor / model', charger ? `${charger.vendor} ${charger.model}` : `${s.vendor} ${s.model}`.trim() ||
          (s.useClaim ? 'from the tester' : '')),
        row('Serial number', seen.serial),
        row('Firmware', seen.firmware),
        row('SIM card ICCID', seen.iccid || (charger ? 'not reported yet (the charger sends it when it boots)' : '')),
        row('SIM card IMSI', seen.imsi || (charger ? 'not reported yet' : ''))),
      s.points.map((p) => h('dl', { class: 'card sticker', dataset: { evse: p.evseId } },
        row(`Charge point ${p.connectorId}: EVSE ID`, p.evseId, true),
        p.evseId ? h('dd', { class: 'qr' }, qrSvg(p.evseId.trim().toUpperCase(), `QR code of EVSE ID ${p.evseId}`)) : null,
        row('Connector type', labelOf(STANDARDS, p.standard)),
        row('Format', labelOf(FORMATS, p.format)),
        row('Charging mode', labelOf(POWER_TYPES, p.powerType)),
        row('Maximum power', p.maxPowerKw ? `${p.maxPowerKw} kW` : ''))));
  };

  const done = () => h('div', { class: 'card' },
    h('p', { role: 'status' }, `${s.created.chargeBoxId} was created. It is planned: put it into operation when it is installed.`),
    summary(s.created),
    h('div', { class: 'actions' },
      h('a', { class: 'btn primary', href: `#/chargers/${enc(s.created.chargeBoxId)}` }, 'Go to details'),
      h('a', { class: 'btn', href: `#/chargers/${enc(s.created.chargeBoxId)}/commission` }, 'Put into operation'),
      h('button', { type: 'button', class: 'btn', onclick: () => window.print() }, 'Print summary')));

  draw();
  return null;
}
