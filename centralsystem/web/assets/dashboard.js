// Dashboard: the five tiles of SPEC §3 counted per charge point, today's statistics and the system status, polled.
import { get, enc } from './api.js';
import { h, clear, poll, money, kwh, uid } from './ui.js';

const TILES = [
  ['available', 'Available', 'Charge points ready to charge'],
  ['occupied', 'Occupied', 'Preparing, charging, suspended, finishing or reserved'],
  ['notAvailable', 'Not available', 'Faulted, or the charger is offline'],
  ['inoperative', 'Inoperative', 'Planned, or set inoperative'],
];

export async function render(view, ctx) {
  const provider = ctx.query.get('provider') || '';
  const selectId = uid('provider');
  const select = h('select', { id: selectId, name: 'provider' }, h('option', { value: '' }, 'All providers'));
  select.addEventListener('change', () => {
    ctx.go(select.value ? `#/dashboard?provider=${enc(select.value)}` : '#/dashboard');
  });
  const tiles = {};
  const tileList = h('ul', { class: 'tiles', 'aria-label': 'Charge points by status' });
  for (const [key, label, hint] of TILES) {
    tiles[key] = h('span', { class: 'tile-value', dataset: { tile: key } }, '–');
    tileList.append(h('li', { class: `tile t-${key}`, title: hint },
      h('a', { href: `#/chargers?tile=${key}` }, h('span', { class: 'tile-label' }, label), tiles[key])));
  }
  tiles.potentialTurnover = h('span', { class: 'tile-value', dataset: { tile: 'potentialTurnover' } }, '–');
  tileList.append(h('li', { class: 'tile t-turnover', title: 'What the sessions running now have earned so far' },
    h('div', {}, h('span', { class: 'tile-label' }, 'Potential turnover'), tiles.potentialTurnover)));

  const stats = {
    revenue: h('dd', { dataset: { stat: 'revenue' } }, '–'),
    sessions: h('dd', { dataset: { stat: 'sessions' } }, '–'),
    energy: h('dd', { dataset: { stat: 'energy' } }, '–'),
  };
  const system = h('ul', { class: 'system' });
  const updated = h('p', { class: 'muted small', 'aria-live': 'off' });
  const problem = h('p', { class: 'error', role: 'alert', hidden: true });

  clear(view,
    h('div', { class: 'page-head' }, h('h1', {}, 'Dashboard'),
      h('div', { class: 'inline-field' }, h('label', { for: selectId }, 'Provider'), select)),
    problem,
    h('section', { 'aria-labelledby': 'h-cp' }, h('h2', { id: 'h-cp' }, 'Charge points'), tileList),
    h('div', { class: 'columns' },
      h('section', { class: 'card', 'aria-labelledby': 'h-today' }, h('h2', { id: 'h-today' }, 'Today'),
        h('dl', { class: 'stats' }, h('dt', {}, 'Revenue'), stats.revenue, h('dt', {}, 'Sessions'), stats.sessions,
          h('dt', {}, 'Energy'), stats.energy)),
      h('section', { class: 'card', 'aria-labelledby': 'h-sys' }, h('h2', { id: 'h-sys' }, 'System status'), system)),
    updated);

  get('chargers').then((data) => {
    const names = [...new Set((data.chargers || []).map((c) => c.provider).filter(Boolean))].sort();
    if (provider && !names.includes(provider)) names.unshift(provider);
    for (const p of names) select.append(h('option', { value: p, selected: p === provider }, p));
  }).catch(() => {});

  return poll(async () => {
    try {
      const d = await get(`dashboard${provider ? `?provider=${enc(provider)}` : ''}`);
      for (const [key] of TILES) tiles[key].textContent = String(d.chargePoints[key]);
      tiles.potentialTurnover.textContent = money(d.potentialTurnover);
      stats.revenue.textContent = money(d.today.revenue);
      stats.sessions.textContent = String(d.today.sessions);
      stats.energy.textContent = kwh(d.today.energyWh);
      clear(system, (d.systemStatus || []).map((s) => h('li', { class: s.ok ? 'ok' : 'bad' },
        h('span', { class: 'dot', 'aria-hidden': 'true' }), `${s.component}: ${s.ok ? 'working' : 'failing'}`)));
      updated.textContent = `Updated ${new Date().toLocaleTimeString()} · refreshes every 2 s`;
      problem.hidden = true;
    } catch (e) {
      problem.textContent = `Cannot load the dashboard: ${e.message}`;
      problem.hidden = false;
      throw e;
    }
  }, 2000);
}
