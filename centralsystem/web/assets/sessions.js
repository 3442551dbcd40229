// Sessions across chargers: filters (dates, provider, charger, id tag, state), running sessions with their energy so
// far (refreshed), older pages, and the billing export of finished sessions as CSV or OCPI 2.2.1 CDRs.
import { get, token, enc } from './api.js';
import { h, clear, field, poll, when, kwh, labelCells } from './ui.js';

const PAGE = 50;

// "2026-05-01" (a date input, the user's day) -> the RFC 3339 UTC time that day starts; `end` the next day's start.
function dayStart(value, end) {
  if (!value) return '';
  const d = new Date(`${value}T00:00:00`);
  if (end) d.setDate(d.getDate() + 1);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function render(view, ctx) {
  const q = ctx.query;
  const from = h('input', { type: 'date', name: 'from', value: q.get('from') || '' });
  const to = h('input', { type: 'date', name: 'to', value: q.get('to') || '' });
  const provider = h('input', { name: 'provider', maxlength: 64, value: q.get('provider') || '' });
  const charger = h('input', { name: 'chargeBoxId', maxlength: 48, value: q.get('chargeBoxId') || '' });
  const idTag = h('input', { name: 'idTag', maxlength: 20, value: q.get('idTag') || '' });
  const state = h('select', { name: 'state' }, h('option', { value: '' }, 'All'),
    h('option', { value: 'running' }, 'Running'), h('option', { value: 'finished' }, 'Finished'));
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter sessions' },
    field('From (day)', from), field('To (day, inclusive)', to), field('Provider', provider), field('Charger', charger),
    field('Id tag', idTag), field('State', state), h('button', { type: 'submit', class: 'btn' }, 'Apply filters'));
  const body = h('tbody');
  const problem = h('p', { class: 'error', role: 'alert', hidden: true });
  const older = h('button', { type: 'button', class: 'btn', hidden: true }, 'Older sessions');
  const exportMsg = h('p', { 'aria-live': 'polite' });
  let pages = [undefined]; // the `before` of each page shown
  let next = null;

  const params = () => {
    const p = new URLSearchParams();
    const f = dayStart(from.value, false);
    const t = dayStart(to.value, true);
    if (f) p.set('from', f);
    if (t) p.set('to', t);
    for (const [el, name] of [[provider, 'provider'], [charger, 'chargeBoxId'], [idTag, 'idTag'], [state, 'state']]) {
      if (el.value.trim()) p.set(name, el.value.trim());
    }
    return p;
  };
  const row = (s) => h('tr', { dataset: { transaction: String(s.transactionId), running: String(!s.stopTimestamp) } },
    h('th', { scope: 'row' }, String(s.transactionId)),
    h('td', {}, h('a', { href: `#/chargers/${enc(s.chargeBoxId)}` }, s.chargeBoxId), ` #${s.connectorId}`),
    h('td', {}, s.provider || '—'), h('td', {}, s.idTag), h('td', {}, when(s.startTimestamp)),
    h('td', {}, s.stopTimestamp ? when(s.stopTimestamp) : h('span', { class: 'badge-status s-occupied' }, 'charging')),
    h('td', { class: 'energy' }, s.energyWh === null ? '—' : kwh(s.energyWh)),
    h('td', {}, s.revenue === null ? (s.blocked ? 'blocked' : '—') : `${s.revenue.toFixed(2)} ${s.currency}`));
  const load = async () => {
    const p = params();
    p.set('limit', String(PAGE));
    const before = pages[pages.length - 1];
    if (before !== undefined) p.set('before', String(before));
    try {
      const data = await get(`sessions?${p}`);
      clear(body, data.sessions.length === 0 ? h('tr', {}, h('td', { colspan: 8 }, 'No session matches.'))
        : data.sessions.map(row));
      labelCells(body);
      next = data.next;
      older.hidden = next === null;
      problem.hidden = true;
    } catch (e) {
      problem.textContent = `Cannot load the sessions: ${e.message}`;
      problem.hidden = false;
      throw e;
    }
  };
  older.addEventListener('click', () => { pages.push(next); load(); });
  filters.addEventListener('submit', (ev) => { ev.preventDefault(); pages = [undefined]; load(); });

  // The export needs the bearer token, so it is fetched and handed to the browser as a file.
  const download = async (format) => {
    const p = params();
    p.delete('state');
    if (!p.get('from') || !p.get('to')) {
      exportMsg.className = 'error';
      exportMsg.textContent = 'Choose From and To days (at most 366 days) for an export.';
      return;
    }
    p.set('format', format);
    const headers = token() ? { Authorization: `Bearer ${token()}` } : {};
    const res = await fetch(`/api/v1/sessions/export?${p}`, { headers });
    if (!res.ok) {
      const data = await res.json().catch(() => ({}));
      exportMsg.className = 'error';
      exportMsg.textContent = `Not exported: ${data.error || `HTTP ${res.status}`}`;
      return;
    }
    const blob = await res.blob();
    const a = h('a', { href: URL.createObjectURL(blob), download: format === 'csv' ? 'sessions.csv' : 'cdrs.json' });
    document.body.append(a);
    a.click();
    a.remove();
    exportMsg.className = 'muted';
    exportMsg.textContent = res.headers.get('X-Next-After-Id')
      ? 'Exported the first 10,000 sessions; narrow the dates for the rest.' : 'Exported.';
  };

  clear(view, h('h1', {}, 'Sessions'), filters, problem,
    h('div', { class: 'table-wrap' }, h('table', { class: 'stack' }, h('caption', { class: 'sr-only' }, 'Sessions'),
      h('thead', {}, h('tr', {}, ['Transaction', 'Charger', 'Provider', 'Id tag', 'Started', 'Stopped', 'Energy',
        'Revenue'].map((t) => h('th', { scope: 'col' }, t)))), body)),
    h('div', { class: 'pager' }, older),
    h('section', { class: 'card', 'aria-labelledby': 'h-export' }, h('h2', { id: 'h-export' }, 'Export for billing'),
      h('p', { class: 'hint' }, 'Finished sessions started in the chosen days, priced with the chargers\' price sets.'),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'btn', onclick: () => download('csv') }, 'Export CSV'),
        h('button', { type: 'button', class: 'btn', onclick: () => download('ocpi') }, 'Export OCPI CDRs')),
      exportMsg));
  // Running sessions' energy moves: the page shown is refreshed.
  return poll(load, 5000);
}
