// Correcting a charger on its details page: delete a planned one, take an operational one out of operation (each
// after a confirmation), edit a planned charger's charge points, and the audit trail of who changed what.
import { api, get, patch, post, enc } from './api.js';
import { h, clear, field, showError, toast, when, options, labelCells, STANDARDS, FORMATS, POWER_TYPES } from './ui.js';

// An inline confirmation: the question with a confirming and a cancelling button; resolves true or false.
function confirmIn(box, question, yes) {
  return new Promise((resolve) => {
    const ok = h('button', { type: 'button', class: 'btn danger' }, yes);
    const no = h('button', { type: 'button', class: 'btn' }, 'Cancel');
    const done = (v) => { clear(box); box.hidden = true; resolve(v); };
    ok.addEventListener('click', () => done(true));
    no.addEventListener('click', () => done(false));
    clear(box, h('p', {}, question), h('div', { class: 'actions' }, ok, no));
    box.hidden = false;
    no.focus();
  });
}

// The charge point editor: one fieldset per charge point with Remove, an Add button, Save (PATCH chargePoints).
function pointEditor(id, points, saved) {
  const list = h('div');
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'cp-editor', novalidate: true });
  const row = (p, i) => {
    const connector = h('input', { type: 'number', min: 1, max: 100, name: `chargePoints/${i}/connectorId`,
      value: p.connectorId, required: true });
    const evse = h('input', { name: `chargePoints/${i}/evseId`, value: p.evseId || '', required: true,
      placeholder: 'DE*ABC*E123456*1' });
    const standard = h('select', { name: `chargePoints/${i}/standard` }, options(STANDARDS, p.standard));
    const format = h('select', { name: `chargePoints/${i}/format` }, options(FORMATS, p.format));
    const power = h('select', { name: `chargePoints/${i}/powerType` }, options(POWER_TYPES, p.powerType));
    const kw = h('input', { type: 'number', min: 0.1, max: 2000, step: 0.1, name: `chargePoints/${i}/maxPowerKw`,
      value: p.maxPowerKw ?? '' });
    const remove = h('button', { type: 'button', class: 'btn' }, `Remove charge point ${i + 1}`);
    const set = h('fieldset', { dataset: { point: String(i) } }, h('legend', {}, `Charge point ${i + 1}`),
      field('Connector', connector), field('EVSE ID', evse), field('Connector type', standard),
      field('Format', format), field('Power type', power), field('Max. power (kW)', kw), remove);
    remove.addEventListener('click', () => { set.remove(); });
    return set;
  };
  const draw = (ps) => clear(list, ps.map(row));
  draw(points);
  const add = h('button', { type: 'button', class: 'btn' }, 'Add charge point');
  add.addEventListener('click', () => {
    const n = list.children.length;
    list.append(row({ connectorId: n + 1, standard: 'IEC_62196_T2', format: 'SOCKET', powerType: 'AC_3_PHASE' }, n));
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.hidden = true;
    const chargePoints = [...list.querySelectorAll('fieldset')].map((set) => {
      const value = (name) => set.querySelector(`[name$="/${name}"]`).value.trim();
      const p = { connectorId: Number(value('connectorId')), evseId: value('evseId'), standard: value('standard'),
        format: value('format'), powerType: value('powerType') };
      if (value('maxPowerKw')) p.maxPowerKw = Number(value('maxPowerKw'));
      return p;
    });
    // The server names fields by position: renumber the inputs so that its answer finds them.
    [...list.querySelectorAll('fieldset')].forEach((set, i) => set.querySelectorAll('[name]').forEach((el) => {
      el.name = el.name.replace(/^chargePoints\/\d+\//, `chargePoints/${i}/`);
      el.closest('.field').dataset.field = el.name;
    }));
    try {
      const c = await patch(`chargers/${enc(id)}`, { chargePoints });
      toast(`Saved: ${c.chargePoints.length} charge point${c.chargePoints.length === 1 ? '' : 's'}.`);
      saved(c);
    } catch (e) {
      showError(form, e, msg);
    }
  });
  clear(form, list, h('div', { class: 'actions' }, add, h('button', { type: 'submit', class: 'btn primary' },
    'Save charge points')), msg);
  // Fields carry their path so that showError() finds the one the server names.
  form.querySelectorAll('[name]').forEach((el) => { el.closest('.field').dataset.field = el.name; });
  return form;
}

// The section: buttons by state, the editor while planned, the trail. update(charger) after each refresh.
export function correctionSection(id, charger, changed) {
  const buttons = h('div', { class: 'actions' });
  const ask = h('div', { class: 'confirm card', role: 'alertdialog', 'aria-label': 'Confirm', hidden: true });
  const editorBox = h('div');
  const trail = h('tbody');
  let state = '';

  const loadTrail = async () => {
    try {
      const data = await get(`chargers/${enc(id)}/audit?limit=50`);
      clear(trail, data.entries.length === 0 ? h('tr', {}, h('td', { colspan: 5 }, 'No changes recorded.'))
        : data.entries.map((e) => h('tr', { dataset: { audit: e.action } },
          h('td', {}, when(e.at)), h('td', {}, e.actor), h('td', {}, e.action + (e.field ? `: ${e.field}` : '')),
          h('td', { class: 'wrap' }, e.oldValue || '—'), h('td', { class: 'wrap' }, e.newValue || '—'))));
      labelCells(trail);
    } catch (e) {
      clear(trail, h('tr', {}, h('td', { colspan: 5 }, `Cannot load the trail: ${e.message}`)));
    }
  };

  const remove = async () => {
    if (!await confirmIn(ask, `Delete ${id} for good? Its charge points, prices and settings go; its ID is free again.`,
      `Delete ${id}`)) return;
    try {
      await api('DELETE', `chargers/${enc(id)}`);
      toast(`${id} was deleted.`);
      location.hash = '#/chargers';
    } catch (e) {
      toast(`Not deleted: ${e.message}`);
    }
  };
  const decommission = async () => {
    if (!await confirmIn(ask, `Take ${id} out of operation? Nobody can charge there until it is put into operation again; its sessions stay.`,
      'Take out of operation')) return;
    try {
      const c = await post(`chargers/${enc(id)}/decommission`);
      toast(`${id} is out of operation.`);
      changed(c);
    } catch (e) {
      toast(`Not changed: ${e.message}`);
    }
  };

  const update = (c) => {
    const now = `${c.status}:${c.chargePoints.length}`;
    if (now === state) return;
    state = now;
    const planned = c.status === 'planned';
    clear(buttons, planned
      ? h('button', { type: 'button', class: 'btn danger', onclick: remove }, 'Delete charger')
      : h('button', { type: 'button', class: 'btn danger', onclick: decommission }, 'Take out of operation'));
    clear(editorBox, planned
      ? [h('h3', {}, 'Charge points'), h('p', { class: 'hint' }, 'Charge points can be changed while the charger is planned and has no sessions.'),
        pointEditor(id, c.chargePoints, (saved) => { state = ''; changed(saved); })]
      : h('p', { class: 'hint' }, 'Charge points are fixed while the charger is in operation.'));
    loadTrail();
  };
  update(charger);

  const element = h('section', { class: 'card', 'aria-labelledby': 'h-fix' }, h('h2', { id: 'h-fix' }, 'Correct data'),
    charger.decommissionedAt ? h('p', { class: 'muted' }, `Taken out of operation ${when(charger.decommissionedAt)}.`) : null,
    buttons, ask, editorBox,
    h('h3', { id: 'h-audit' }, 'Audit trail'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'stack', 'aria-labelledby': 'h-audit' },
      h('thead', {}, h('tr', {}, ['When', 'Who', 'What', 'Old', 'New'].map((t) => h('th', { scope: 'col' }, t)))),
      trail)));
  return { element, update, reloadTrail: loadTrail };
}
