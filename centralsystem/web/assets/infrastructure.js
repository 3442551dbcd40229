// Monitor -> Charging infrastructure: every charger with its charge points, operational and planned; search and
// filters (status, connection, charge point state, provider); refreshed while open.
import { get, enc } from './api.js';
import { h, clear, poll, plural, field, tileOf, statusBadge, TILE_LABELS, labelOf, STANDARDS, labelCells } from './ui.js';

export async function render(view, ctx) {
  const state = {
    q: ctx.query.get('q') || '',
    status: ctx.query.get('status') || '',
    online: ctx.query.get('online') || '',
    tile: ctx.query.get('tile') || '',
    provider: ctx.query.get('provider') || '',
  };
  const search = h('input', { type: 'search', name: 'q', value: state.q, placeholder: 'Chargebox ID, EVSE ID, city…' });
  const status = h('select', { name: 'status' }, h('option', { value: '' }, 'All'),
    h('option', { value: 'operational', selected: state.status === 'operational' }, 'Operational'),
    h('option', { value: 'planned', selected: state.status === 'planned' }, 'Planned'));
  const online = h('select', { name: 'online' }, h('option', { value: '' }, 'All'),
    h('option', { value: 'online', selected: state.online === 'online' }, 'Online'),
    h('option', { value: 'offline', selected: state.online === 'offline' }, 'Offline'));
  const tile = h('select', { name: 'tile' }, h('option', { value: '' }, 'All'),
    Object.entries(TILE_LABELS).map(([k, label]) => h('option', { value: k, selected: state.tile === k }, label)));
  const provider = h('select', { name: 'provider' }, h('option', { value: '' }, 'All'));
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter chargers' },
    field('Search', search), field('Status', status), field('Connection', online), field('Charge point state', tile),
    field('Provider', provider));
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  const body = h('tbody');
  const problem = h('p', { class: 'error', role: 'alert', hidden: true });
  clear(view,
    h('div', { class: 'page-head' }, h('h1', {}, 'Charging infrastructure'),
      h('a', { class: 'btn primary', href: '#/chargers/new' }, 'Create charging station')),
    filters, problem, count,
    h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
      h('caption', { class: 'sr-only' }, 'Chargers and their charge points'),
      h('thead', {}, h('tr', {}, ['Chargebox ID', 'Status', 'Connection', 'Provider', 'Hardware', 'Location',
        'Charge points'].map((t) => h('th', { scope: 'col' }, t)))),
      body)));

  let chargers = [];
  const draw = () => {
    const shown = chargers.filter((c) => {
      if (state.status && c.status !== state.status) return false;
      if (state.online && (state.online === 'online') !== c.connected) return false;
      if (state.provider && c.provider !== state.provider) return false;
      if (state.tile && !c.chargePoints.some((p) => tileOf(c, p) === state.tile)) return false;
      return true;
    });
    const points = shown.reduce((n, c) => n + c.chargePoints.length, 0);
    count.textContent = `${shown.length} of ${plural(chargers.length, 'charger')}, ${plural(points, 'charge point')}`;
    clear(body, shown.length === 0
      ? h('tr', {}, h('td', { colspan: 7 }, chargers.length ? 'No charger matches these filters.'
        : 'No chargers yet. Create a charging station to begin.'))
      : shown.map((c) => h('tr', { dataset: { charger: c.chargeBoxId } },
        h('th', { scope: 'row' }, h('a', { href: `#/chargers/${enc(c.chargeBoxId)}` }, c.chargeBoxId)),
        h('td', {}, h('span', { class: `badge-status s-${c.status}` }, c.status)),
        h('td', {}, c.connected ? 'Online' : 'Offline'),
        h('td', {}, c.provider || '—'),
        h('td', {}, [c.vendor, c.model].filter(Boolean).join(' ') || '—'),
        h('td', {}, c.address ? `${c.address.city}, ${c.address.street}` : '—'),
        h('td', {}, c.chargePoints.length === 0 ? '—' : h('ul', { class: 'plain' }, c.chargePoints.map((p) =>
          h('li', { dataset: { connector: p.connectorId } }, `${p.evseId || `#${p.connectorId}`} `,
            h('span', { class: 'muted small' }, labelOf(STANDARDS, p.standard), ' '),
            statusBadge(tileOf(c, p), p.status && c.connected ? p.status : undefined))))))));
    labelCells(body);
  };

  const providers = new Set();
  const load = async () => {
    try {
      const data = await get(`chargers${state.q ? `?q=${enc(state.q)}` : ''}`);
      chargers = data.chargers || [];
      for (const c of chargers) {
        if (c.provider && !providers.has(c.provider)) {
          providers.add(c.provider);
          provider.append(h('option', { value: c.provider, selected: c.provider === state.provider }, c.provider));
        }
      }
      problem.hidden = true;
      draw();
    } catch (e) {
      problem.textContent = `Cannot load the chargers: ${e.message}`;
      problem.hidden = false;
      throw e;
    }
  };
  let typing = 0;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => { state.q = search.value.trim(); load(); }, 250);
  });
  filters.addEventListener('submit', (ev) => { ev.preventDefault(); state.q = search.value.trim(); load(); });
  for (const [sel, key] of [[status, 'status'], [online, 'online'], [tile, 'tile'], [provider, 'provider']]) {
    sel.addEventListener('change', () => { state[key] = sel.value; draw(); });
  }
  const stop = poll(load, 5000);
  return () => { clearTimeout(typing); stop(); };
}
