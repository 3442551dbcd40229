// Small DOM helpers shared by the pages. Text always goes in as text nodes: nothing from the API becomes markup.

// h('a', {href: '#/x', class: 'btn'}, 'text', child...) builds an element; on* attributes become listeners.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// "1 charge point", "2 charge points".
export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let idCounter = 0;
export function uid(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

// A labelled form field; `control` is an input/select element (its id is set here).
export function field(label, control, hint) {
  const id = control.id || uid('f');
  control.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  const err = h('p', { class: 'field-error', id: `${id}-err`, hidden: true });
  control.addEventListener('input', () => { // the mark goes once the value is edited
    err.hidden = true;
    control.removeAttribute('aria-invalid');
  });
  return h('div', { class: 'field', dataset: { field: control.name || '' } }, h('label', { for: id }, label), control,
           hintEl, err);
}

// Shows a server error next to the field it names (field path like "chargePoints/0/evseId"), or in `fallback`.
export function showError(form, error, fallback) {
  form.querySelectorAll('.field-error').forEach((e) => { e.hidden = true; e.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  const box = form.querySelector(`[data-field="${CSS.escape(error.field || '')}"]`);
  if (error.field && box) {
    const err = box.querySelector('.field-error');
    const input = box.querySelector('input, select, textarea');
    err.textContent = error.message;
    err.hidden = false;
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', err.id);
      input.focus();
    }
  }
  // Next to the button too: the message alone when its field is marked, else with the field the server named.
  fallback.textContent = error.field && !box ? `${error.field}: ${error.message}` : error.message;
  fallback.hidden = false;
}

export function toast(text) {
  const t = document.getElementById('toast');
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
}

// Runs fn now and then every `ms` until stop() is called; one run at a time.
export function poll(fn, ms) {
  let stopped = false;
  let timer = 0;
  const tick = async () => {
    try {
      await fn();
    } catch (e) {
      // The page shows its own error state; keep polling.
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  tick();
  return () => { stopped = true; clearTimeout(timer); };
}

export function money(list) {
  if (!list || list.length === 0) return '0.00';
  return list.map((m) => `${Number(m.amount).toFixed(2)} ${m.currency}`).join(' · ');
}

export function kwh(wh) {
  return `${(Number(wh || 0) / 1000).toFixed(2)} kWh`;
}

export function when(text) {
  if (!text) return '—';
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : d.toLocaleString();
}

const OCCUPIED = ['Preparing', 'Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Reserved'];

// The dashboard tile a charge point counts in (SPEC §3), from its charger and its own status.
export function tileOf(charger, point) {
  if (charger.status !== 'operational' || point.status === 'Unavailable' || point.status === 'Inoperative') {
    return 'inoperative';
  }
  if (!charger.connected || point.status === 'Faulted') return 'notAvailable';
  if (OCCUPIED.includes(point.status)) return 'occupied';
  if (point.status === 'Available') return 'available';
  return 'notAvailable';
}

export const TILE_LABELS = {
  available: 'Available', occupied: 'Occupied', notAvailable: 'Not available', inoperative: 'Inoperative',
};

export function statusBadge(tile, text) {
  return h('span', { class: `badge-status s-${tile}` }, text || TILE_LABELS[tile]);
}

export const STANDARDS = [
  ['IEC_62196_T2', 'Type 2 (IEC 62196-2)'], ['IEC_62196_T2_COMBO', 'CCS 2 (Combo 2)'],
  ['CHADEMO', 'CHAdeMO'], ['IEC_62196_T1', 'Type 1'], ['IEC_62196_T1_COMBO', 'CCS 1 (Combo 1)'],
  ['DOMESTIC_F', 'Schuko (Domestic F)'], ['IEC_60309_2_three_32', 'CEE 32 A (IEC 60309)'], ['TESLA_S', 'Tesla'],
  ['GBT_AC', 'GB/T AC'], ['GBT_DC', 'GB/T DC'],
];
export const FORMATS = [['SOCKET', 'Socket'], ['CABLE', 'Cable attached']];
export const POWER_TYPES = [
  ['AC_3_PHASE', 'AC three phase'], ['AC_1_PHASE', 'AC single phase'], ['DC', 'DC'],
];

export function options(list, selected) {
  return list.map(([v, label]) => h('option', { value: v, selected: v === selected }, label));
}

export function labelOf(list, value) {
  const found = list.find(([v]) => v === value);
  return found ? found[1] : value || '—';
}

// Names each cell of `tbody` after its column's heading (data-label), so that a table of class "stack" can show
// every row as a small card on a phone (app.css) with the state visible instead of off-screen.
export function labelCells(tbody) {
  const heads = [...tbody.closest('table').querySelectorAll('thead th')].map((th) => th.textContent);
  tbody.querySelectorAll('tr').forEach((tr) => [...tr.children].forEach((cell, i) => {
    if (heads[i] && !cell.hasAttribute('colspan')) cell.dataset.label = heads[i];
  }));
}
