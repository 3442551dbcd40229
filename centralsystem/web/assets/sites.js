// Sites: load management. The sites with their limit in force and running sessions; a form to create or edit one
// (limit in A per phase or kW, a time-of-day schedule, the minimum per session, the fail-safe current, its
// chargers); for one site a live chart of its power against its limit (refreshed every 2 s while the page is
// open), each session's limit and state, and each charger's fail-safe profile.
import { api, get, enc } from './api.js';
import { h, clear, field, poll, showError } from './ui.js';

const NS = 'http://www.w3.org/2000/svg';
const POINTS = 90; // 3 minutes at one point per 2 s

function svg(tag, attrs) {
  const el = document.createElementNS(NS, tag);
  Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, String(v)));
  return el;
}

// The site's power (solid) against its limit (dashed), in kW; scales to its box.
function chart(points) {
  const w = 600, ht = 200, top = Math.max(1, ...points.map((p) => Math.max(p.power, p.limit))) * 1.1;
  const x = (i) => (points.length < 2 ? 0 : (i * w) / (POINTS - 1));
  const y = (v) => ht - (v / top) * ht;
  const line = (key) => points.map((p, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(p[key]).toFixed(1)}`).join('');
  const root = svg('svg', { viewBox: `0 0 ${w} ${ht}`, width: '100%', role: 'img', class: 'site-chart',
    'aria-label': points.length ? `Power ${points[points.length - 1].power.toFixed(1)} kW of a limit of ${
      points[points.length - 1].limit.toFixed(1)} kW` : 'No data yet' });
  root.append(svg('rect', { x: 0, y: 0, width: w, height: ht, fill: 'none', stroke: 'currentColor', 'stroke-opacity': 0.2 }));
  if (points.length) {
    root.append(svg('path', { d: line('limit'), fill: 'none', stroke: '#c0392b', 'stroke-dasharray': '6 4',
      'stroke-width': 2, 'data-series': 'limit' }));
    root.append(svg('path', { d: line('power'), fill: 'none', stroke: '#2471a3', 'stroke-width': 2,
      'data-series': 'power' }));
  }
  return root;
}

function scheduleText(schedule) {
  return (schedule || []).map((p) => `${p.start}=${p.limit}`).join('\n');
}

// "07:00=40" lines; a line that is not of that form is sent as it is, so that the server names it.
function parseSchedule(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const [start, limit] = l.split('=');
    return { start: (start || '').trim(), limit: Number(limit) };
  });
}

function siteForm(site, done) {
  const s = site || { name: '', unit: 'A', limit: 63, phases: 3, voltage: 230, minSessionCurrent: 6,
    failsafeCurrent: 6, schedule: [], chargers: [] };
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  const input = (name, value, attrs = {}) => h('input', { name, value: String(value), ...attrs });
  const unit = h('select', { name: 'unit' }, ['A', 'kW'].map((u) => h('option', { value: u, selected: s.unit === u },
    u === 'A' ? 'A per phase' : 'kW (whole site)')));
  const form = h('form', { class: 'card site-form', novalidate: true },
    h('h2', {}, site ? `Edit ${site.name}` : 'New site'),
    field('Name', input('name', s.name, { required: true, maxlength: 100 })),
    field('Unit', unit),
    field('Grid limit', input('limit', s.limit, { type: 'number', min: 0, step: 'any' }), 'In the unit above.'),
    field('Phases', input('phases', s.phases, { type: 'number', min: 1, max: 3 })),
    field('Voltage per phase', input('voltage', s.voltage, { type: 'number', min: 100, max: 500 })),
    field('Minimum per session (A)', input('minSessionCurrent', s.minSessionCurrent, { type: 'number', min: 0 }),
      'Sessions the limit cannot give this much wait with 0 A; the earliest sessions charge first.'),
    field('Fail-safe current (A)', input('failsafeCurrent', s.failsafeCurrent, { type: 'number', min: 0 }),
      'Sent to each charger at boot as its TxDefaultProfile.'),
    field('Time-of-day schedule', h('textarea', { name: 'schedule', rows: 3 }, scheduleText(s.schedule)),
      'One period a line, "HH:MM=limit" (UTC), ascending; empty: the grid limit all day.'),
    field('Chargers', h('textarea', { name: 'chargers', rows: 3 }, s.chargers.join('\n')),
      'Chargebox IDs, one a line; a charger belongs to at most one site.'),
    h('button', { class: 'btn primary', type: 'submit' }, site ? 'Save' : 'Create site'), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = (name) => form.querySelector(`[name="${name}"]`).value;
    const body = { name: v('name'), unit: v('unit'), limit: Number(v('limit')), phases: Number(v('phases')),
      voltage: Number(v('voltage')), minSessionCurrent: Number(v('minSessionCurrent')),
      failsafeCurrent: Number(v('failsafeCurrent')), schedule: parseSchedule(v('schedule')),
      chargers: v('chargers').split(/[\s,]+/).filter(Boolean) };
    try {
      const saved = await api(site ? 'PUT' : 'POST', site ? `sites/${site.id}` : 'sites', body);
      done(saved);
    } catch (e) {
      showError(form, e, msg);
    }
  });
  return form;
}

function sessionRows(live) {
  if (!live || live.sessions.length === 0) return h('tr', {}, h('td', { colspan: 7 }, 'No session is running.'));
  return live.sessions.map((x) => h('tr', { dataset: { transaction: x.transactionId, state: x.state } },
    h('td', {}, h('a', { href: `#/chargers/${enc(x.chargeBoxId)}` }, x.chargeBoxId)), h('td', {}, String(x.connectorId)),
    h('td', {}, String(x.transactionId)), h('td', {}, x.limitA === null ? 'fail-safe' : `${x.limitA} A`), h('td', {}, `${x.targetA} A`),
    h('td', {}, x.powerW === null ? '–' : `${(x.powerW / 1000).toFixed(1)} kW`),
    h('td', {}, x.error ? `${x.state}: ${x.error}` : x.state)));
}

function chargerRows(live) {
  return (live ? live.chargers : []).map((c) => h('tr', { dataset: { charger: c.chargeBoxId } },
    h('td', {}, c.chargeBoxId), h('td', {}, c.online ? 'yes' : 'no'),
    h('td', {}, c.error ? `${c.failsafe}: ${c.error}` : c.failsafe || '–')));
}

export async function render(view, ctx) {
  const list = h('tbody');
  const detail = h('div', { 'aria-live': 'polite' });
  const selected = ctx.query.get('site') || '';
  const points = [];
  let site = null;
  const refresh = async () => {
    const data = await get('sites');
    clear(list, data.sites.length === 0 ? h('tr', {}, h('td', { colspan: 4 }, 'No site yet.'))
      : data.sites.map((s) => h('tr', { dataset: { site: s.id } },
        h('td', {}, h('a', { href: `#/sites?site=${s.id}` }, s.name)),
        h('td', {}, s.live ? `${s.live.limitNowA.toFixed(1)} A` : '–'), h('td', {}, String(s.chargers.length)),
        h('td', {}, s.live ? String(s.live.sessions.length) : '0'))));
    if (!selected) return;
    const fresh = data.sites.find((s) => String(s.id) === selected);
    if (!fresh) { clear(detail, h('p', { class: 'error', role: 'alert' }, `No site ${selected}.`)); return; }
    const first = site === null;
    site = fresh;
    const live = site.live;
    if (live) points.push({ power: live.powerW / 1000, limit: live.limitNowW / 1000 });
    if (points.length > POINTS) points.shift();
    const chartBox = detail.querySelector('[data-chart]');
    if (chartBox) clear(chartBox, chart(points));
    const rows = detail.querySelector('[data-sessions]');
    if (rows) clear(rows, sessionRows(live));
    const chargers = detail.querySelector('[data-chargers]');
    if (chargers) clear(chargers, chargerRows(live));
    if (!first) return;
    clear(detail, h('section', { class: 'card', 'aria-labelledby': 'h-site' },
      h('h2', { id: 'h-site' }, site.name),
      h('p', {}, 'Power (solid) against the limit in force (dashed), kW.'),
      h('div', { dataset: { chart: '' } }, chart(points)),
      h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Running sessions'),
        h('thead', {}, h('tr', {}, ['Charger', 'Connector', 'Transaction', 'Limit', 'Share', 'Power', 'State']
          .map((c) => h('th', { scope: 'col' }, c)))), h('tbody', { dataset: { sessions: '' } }, sessionRows(live)))),
      h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Chargers of the site'),
        h('thead', {}, h('tr', {}, ['Charger', 'Online', 'Fail-safe profile'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', { dataset: { chargers: '' } }, chargerRows(live))))),
    siteForm(site, () => ctx.go(`#/sites?site=${site.id}&saved=${Date.now()}`)),
    h('button', { class: 'btn danger', type: 'button', onclick: async () => {
      await api('DELETE', `sites/${site.id}`);
      ctx.go('#/sites');
    } }, 'Delete site'));
  };
  clear(view, h('h1', {}, 'Sites'),
    h('p', {}, 'Load management: each site shares its grid limit among the running sessions of its chargers.'),
    h('section', { 'aria-labelledby': 'h-sites' }, h('h2', { id: 'h-sites' }, 'Sites'),
      h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Sites'),
        h('thead', {}, h('tr', {}, ['Site', 'Limit now', 'Chargers', 'Sessions'].map((c) => h('th', { scope: 'col' }, c)))),
        list))),
    detail,
    selected ? null : siteForm(null, (saved) => ctx.go(`#/sites?site=${saved.id}`)));
  return poll(refresh, 2000);
}
