// Charging profiles: named templates (ChargePointMaxProfile, TxDefaultProfile, TxProfile) made through a form and
// checked by the server's smart-charging rules; applying one to a set of chargers or clearing it again, with the
// outcome per charger; and for one charger the profiles the central system installed and the composite schedule of
// a connector as the charger reports it.
import { api, get, enc } from './api.js';
import { h, clear, field, showError } from './ui.js';

const PURPOSES = ['ChargePointMaxProfile', 'TxDefaultProfile', 'TxProfile'];

function select(name, values, selected) {
  return h('select', { name }, values.map((v) => h('option', { value: v, selected: v === selected }, v)));
}

// "0=16" lines (seconds from the start = limit); a line not of that form is sent as it is, so that the server names it.
function parsePeriods(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const [start, limit] = l.split('=');
    return { startPeriod: Number(start), limit: Number(limit) };
  });
}

function periodsText(profile) {
  return profile.chargingSchedule.chargingSchedulePeriod.map((p) => `${p.startPeriod}=${p.limit}`).join(', ');
}

function templateForm(done) {
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'card template-form', novalidate: true },
    h('h2', {}, 'New template'),
    field('Template name', h('input', { name: 'name', required: true, maxlength: 64 })),
    field('Purpose', select('profile/chargingProfilePurpose', PURPOSES, 'ChargePointMaxProfile')),
    field('Stack level', h('input', { name: 'profile/stackLevel', type: 'number', min: 0, value: '1' }),
      'Load management keeps TxDefaultProfile level 0 (the fail-safe) and TxProfile level 1 for its own.'),
    field('Kind', select('profile/chargingProfileKind', ['Absolute', 'Relative'], 'Absolute')),
    field('Unit', select('profile/chargingSchedule/chargingRateUnit', ['A', 'W'], 'A')),
    field('Periods', h('textarea', { name: 'profile/chargingSchedule/chargingSchedulePeriod', rows: 3 }, '0=16'),
      'One period a line, "seconds from the start=limit", ascending from 0.'),
    h('button', { class: 'btn primary', type: 'submit' }, 'Create template'), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = (name) => form.querySelector(`[name="${name}"]`).value;
    const body = { name: v('name'), profile: {
      stackLevel: Number(v('profile/stackLevel')), chargingProfilePurpose: v('profile/chargingProfilePurpose'),
      chargingProfileKind: v('profile/chargingProfileKind'),
      chargingSchedule: { chargingRateUnit: v('profile/chargingSchedule/chargingRateUnit'),
        chargingSchedulePeriod: parsePeriods(v('profile/chargingSchedule/chargingSchedulePeriod')) } } };
    try {
      await api('POST', 'profile-templates', body);
      done();
    } catch (e) {
      showError(form, e, msg);
    }
  });
  return form;
}

function resultRows(results) {
  return results.map((r) => h('tr', { dataset: { result: r.chargeBoxId, status: r.status } },
    h('td', {}, r.chargeBoxId), h('td', {}, r.status), h('td', {}, r.error || '')));
}

function applyForm(templates) {
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  const results = h('tbody', { dataset: { results: '' } });
  const form = h('form', { class: 'card apply-form', novalidate: true },
    h('h2', {}, 'Apply or clear'),
    field('Template', h('select', { name: 'templateId' },
      templates.map((t) => h('option', { value: String(t.id) }, `${t.name} (${t.purpose}, level ${t.stackLevel})`)))),
    field('Chargers to change', h('textarea', { name: 'chargers', rows: 3 }), 'Chargebox IDs, one a line (at most 1000).'),
    field('Connector', h('input', { name: 'connectorId', type: 'number', min: 0, max: 99, value: '0' }),
      '0: the whole charger (ChargePointMaxProfile, a default for every connector).'),
    field('Transaction', h('input', { name: 'transactionId', type: 'number' }),
      'TxProfile templates only: the running session it limits.'),
    h('div', { class: 'actions' },
      h('button', { class: 'btn primary', type: 'submit', value: 'apply' }, 'Apply'),
      h('button', { class: 'btn', type: 'submit', value: 'clear' }, 'Clear')), msg,
    h('div', { class: 'table-wrap' }, h('table', {}, h('caption', {}, 'Outcome per charger'),
      h('thead', {}, h('tr', {}, ['Charger', 'Outcome', 'Detail'].map((c) => h('th', { scope: 'col' }, c)))), results)));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = (name) => form.querySelector(`[name="${name}"]`).value;
    const action = ev.submitter && ev.submitter.value === 'clear' ? 'clear' : 'apply';
    const body = { chargers: v('chargers').split(/[\s,]+/).filter(Boolean) };
    if (action === 'apply') {
      body.connectorId = Number(v('connectorId'));
      if (v('transactionId') !== '') body.transactionId = Number(v('transactionId'));
    }
    msg.hidden = true;
    clear(results, h('tr', {}, h('td', { colspan: 3 }, 'Waiting for the chargers…')));
    try {
      const out = await api('POST', `profile-templates/${enc(v('templateId'))}/${action}`, body);
      clear(results, resultRows(out.results));
    } catch (e) {
      clear(results);
      showError(form, e, msg);
    }
  });
  return form;
}

function chargerForm() {
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  const installed = h('tbody', { dataset: { installed: '' } });
  const composite = h('tbody', { dataset: { composite: '' } });
  const form = h('form', { class: 'card charger-profiles', novalidate: true },
    h('h2', {}, 'One charger'),
    field('Charger', h('input', { name: 'chargeBoxId', required: true })),
    field('Connector of the schedule', h('input', { name: 'connectorId', type: 'number', min: 0, max: 99, value: '0' })),
    field('Duration (s)', h('input', { name: 'duration', type: 'number', min: 1, value: '3600' })),
    h('button', { class: 'btn primary', type: 'submit' }, 'Show profiles'), msg,
    h('div', { class: 'table-wrap' }, h('table', {}, h('caption', {}, 'Installed by the central system'),
      h('thead', {}, h('tr', {}, ['Connector', 'Purpose', 'Stack level', 'Profile id', 'From']
        .map((c) => h('th', { scope: 'col' }, c)))), installed)),
    h('div', { class: 'table-wrap' }, h('table', {}, h('caption', {}, 'Composite schedule'),
      h('thead', {}, h('tr', {}, ['From (s)', 'Limit'].map((c) => h('th', { scope: 'col' }, c)))), composite)));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = (name) => form.querySelector(`[name="${name}"]`).value.trim();
    const id = enc(v('chargeBoxId'));
    msg.hidden = true;
    try {
      const list = await get(`chargers/${id}/profiles`);
      clear(installed, list.profiles.length === 0 ? h('tr', {}, h('td', { colspan: 5 }, 'None.'))
        : list.profiles.map((p) => h('tr', { dataset: { profile: p.chargingProfileId } },
          h('td', {}, String(p.connectorId)), h('td', {}, p.purpose), h('td', {}, String(p.stackLevel)),
          h('td', {}, String(p.chargingProfileId)),
          h('td', {}, p.source === 'template' ? `template ${p.templateName}` : `site ${p.siteId}: ${p.state || '–'}`))));
      const c = await get(`chargers/${id}/connectors/${enc(v('connectorId'))}/composite-schedule?duration=${
        enc(v('duration'))}`);
      const schedule = c.chargingSchedule;
      clear(composite, c.status !== 'Accepted' || !schedule
        ? h('tr', {}, h('td', { colspan: 2 }, `The charger answered ${c.status}.`))
        : schedule.chargingSchedulePeriod.map((p) => h('tr', {}, h('td', {}, String(p.startPeriod)),
          h('td', {}, `${p.limit} ${schedule.chargingRateUnit}`))));
    } catch (e) {
      showError(form, e, msg);
    }
  });
  return form;
}

export async function render(view, ctx) {
  const data = await get('profile-templates');
  const rows = data.templates.length === 0 ? h('tr', {}, h('td', { colspan: 6 }, 'No template yet.'))
    : data.templates.map((t) => h('tr', { dataset: { template: t.id } },
      h('td', {}, t.name), h('td', {}, t.purpose), h('td', {}, String(t.stackLevel)), h('td', {}, periodsText(t.profile)),
      h('td', {}, String(t.chargingProfileId)),
      h('td', {}, h('button', { class: 'btn danger', type: 'button', onclick: async (ev) => {
        try {
          await api('DELETE', `profile-templates/${t.id}`);
          ctx.go(`#/profiles?deleted=${Date.now()}`);
        } catch (e) {
          ev.target.after(h('span', { class: 'error', role: 'alert' }, ` ${e.message}`));
        }
      } }, 'Delete'))));
  clear(view, h('h1', {}, 'Charging profiles'),
    h('p', {}, 'Templates of charging profiles, applied to chargers with SetChargingProfile and cleared with '
      + 'ClearChargingProfile. A site\'s chargers take ChargePointMaxProfiles only: their load management sets the rest.'),
    h('section', { 'aria-labelledby': 'h-templates' }, h('h2', { id: 'h-templates' }, 'Templates'),
      h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Templates'),
        h('thead', {}, h('tr', {}, ['Name', 'Purpose', 'Stack level', 'Periods (s=limit)', 'Profile id', 'Actions']
          .map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, rows)))),
    data.templates.length ? applyForm(data.templates) : null,
    templateForm(() => ctx.go(`#/profiles?made=${Date.now()}`)),
    chargerForm());
}
