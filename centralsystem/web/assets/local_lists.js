// Local lists: the default group's list (the id-tag registry) with its version and size, and per charger the version
// it holds, whether that is the current one, and the last sync's result; resync one charger or all (the page polls).
import { post, get, enc } from './api.js';
import { h, clear, poll, when, toast } from './ui.js';

async function resync(body, what) {
  try {
    await post('local-lists/default/sync', body);
    toast(`Sync of ${what} queued.`);
  } catch (e) {
    toast(e.message);
  }
}

function chargerRow(c) {
  const button = h('button', { type: 'button', class: 'btn', disabled: !c.connected,
    'aria-label': `Send the whole list to ${c.chargeBoxId}` }, 'Resync');
  button.addEventListener('click', () => resync({ chargeBoxId: c.chargeBoxId, full: true }, c.chargeBoxId));
  const state = c.syncing ? 'syncing' : (c.inSync ? 'in sync' : 'behind');
  return h('tr', { dataset: { charger: c.chargeBoxId, insync: String(c.inSync) } },
    h('td', {}, h('a', { href: `#/chargers/${enc(c.chargeBoxId)}` }, c.chargeBoxId)),
    h('td', {}, c.connected ? 'online' : 'offline'), h('td', {}, c.version < 0 ? '–' : String(c.version)),
    h('td', {}, h('span', { class: `badge-outcome ${c.inSync ? 'done' : 'pending'}` }, state)),
    h('td', {}, c.result || '–'), h('td', {}, c.detail || ''), h('td', {}, c.at ? when(c.at) : '–'),
    h('td', {}, button));
}

export async function render(view) {
  const head = h('p');
  const list = h('tbody');
  const all = h('button', { type: 'button', class: 'btn primary' }, 'Resync all connected chargers');
  all.addEventListener('click', () => resync({}, 'every connected charger'));
  const refresh = async () => {
    const data = await get('local-lists');
    const g = data.groups[0];
    clear(head, `Group "${g.name}" (${g.description}): version ${g.version}, ${g.size} id tags.`);
    clear(list, g.chargers.length === 0 ? h('tr', {}, h('td', { colspan: 8 }, 'No chargers yet.'))
      : g.chargers.map(chargerRow));
  };
  clear(view, h('h1', {}, 'Local lists'), head, all,
    h('section', { 'aria-labelledby': 'h-lists' }, h('h2', { id: 'h-lists' }, 'Chargers'),
      h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Local list per charger'),
        h('thead', {}, h('tr', {}, ['Charger', 'Connection', 'Version', 'State', 'Result', 'Detail', 'At', '']
          .map((c) => h('th', { scope: 'col' }, c)))),
        list))));
  return poll(refresh, 3000);
}
