// Import chargers from a CSV file: pick or paste the file, check it (dry run: nothing stored) and see every row's
// problem, then import (all or nothing).
import { token } from './api.js';
import { h, clear, field, toast, labelCells } from './ui.js';

const MAX_BYTES = 8 * 1024 * 1024;

// POST the CSV as text/csv; resolves {status, data} (the JSON answer), never throws for an HTTP error.
async function send(text, dryRun) {
  const headers = { 'Content-Type': 'text/csv', Accept: 'application/json' };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  const res = await fetch(`/api/v1/chargers/import${dryRun ? '?dryRun=true' : ''}`, { method: 'POST', headers, body: text });
  let data = null;
  try { data = await res.json(); } catch (e) { data = { error: `HTTP ${res.status}` }; }
  return { status: res.status, data };
}

export async function render(view) {
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,text/csv' });
  const text = h('textarea', { name: 'csv', rows: 8, spellcheck: 'false',
    placeholder: 'chargeBoxId,password,provider,connectorId,evseId,standard,format,powerType,maxPowerKw' });
  const check = h('button', { type: 'button', class: 'btn primary' }, 'Check (dry run)');
  const run = h('button', { type: 'button', class: 'btn', disabled: true }, 'Import');
  const outcome = h('div', { 'aria-live': 'polite' });
  const errors = h('tbody');
  const errorTable = h('div', { class: 'table-wrap', hidden: true }, h('table', { class: 'stack' },
    h('caption', {}, 'Problems, by row (the header is row 1)'),
    h('thead', {}, h('tr', {}, ['Row', 'Column', 'Problem'].map((t) => h('th', { scope: 'col' }, t)))), errors));
  let checked = '';

  file.addEventListener('change', async () => {
    const f = file.files[0];
    if (!f) return;
    if (f.size > MAX_BYTES) {
      clear(outcome, h('p', { class: 'error', role: 'alert' }, 'The file is larger than 8 MiB.'));
      return;
    }
    text.value = await f.text();
    run.disabled = true;
  });
  text.addEventListener('input', () => { run.disabled = true; });

  const show = ({ status, data }, dryRun) => {
    const ok = status === 200 || status === 201;
    errorTable.hidden = ok || !data.errors || data.errors.length === 0;
    clear(errors, (data.errors || []).map((e) => h('tr', { dataset: { row: String(e.row) } },
      h('th', { scope: 'row' }, String(e.row)), h('td', {}, e.column || '—'), h('td', {}, e.error))));
    labelCells(errors);
    if (ok) {
      clear(outcome, h('p', { class: 'ok', role: 'status' }, dryRun
        ? `The file is fine: ${data.chargers} chargers with ${data.chargePoints} charge points would be created. Nothing was stored yet.`
        : `Imported ${data.chargers} chargers with ${data.chargePoints} charge points.`));
      if (!dryRun) toast(`Imported ${data.chargers} chargers.`);
    } else {
      const n = data.errorCount || (data.errors ? data.errors.length : 0);
      clear(outcome, h('p', { class: 'error', role: 'alert' },
        `${data.error}${n ? ` (${n} problem${n === 1 ? '' : 's'}; nothing was imported)` : ''}`));
    }
    return ok;
  };
  check.addEventListener('click', async () => {
    if (!text.value.trim()) {
      clear(outcome, h('p', { class: 'error', role: 'alert' }, 'Choose a CSV file or paste its text first.'));
      return;
    }
    const body = text.value;
    if (show(await send(body, true), true)) {
      checked = body;
      run.disabled = false;
    }
  });
  run.addEventListener('click', async () => {
    if (text.value !== checked) { run.disabled = true; return; }
    run.disabled = true;
    show(await send(checked, false), false);
  });

  clear(view, h('h1', {}, 'Import chargers (CSV)'),
    h('p', {}, 'One row per charge point; the first row names the columns (chargeBoxId is required; password, provider, vendor, model, connectorId, evseId, standard, format, powerType, maxPowerKw). A file with any problem imports nothing. Check it first: every problem is listed with its row.'),
    h('div', { class: 'card' }, field('CSV file', file), field('Or paste the CSV text', text),
      h('div', { class: 'actions' }, check, run)),
    outcome, errorTable);
}
