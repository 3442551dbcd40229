// Firmware: the signed firmware uploads (name, size, SHA-256) and, for one upload, its updates with each charger's
// result, last reported status and history (the page polls while it is open). Uploads and updates start through
// the API (POST /api/v1/firmware, POST /api/v1/firmware/{id}/updates).
import { get, enc } from './api.js';
import { h, clear, poll, when } from './ui.js';

function updateDetails(u) {
  return h('section', { class: 'card', 'aria-labelledby': `h-update-${u.id}`, dataset: { update: u.id } },
    h('h3', { id: `h-update-${u.id}` }, `Update ${u.id}`),
    h('p', {}, `started ${when(u.createdAt)} · ${u.ended ? 'ended' : 'running'}`),
    h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Result per charger'),
      h('thead', {}, h('tr', {}, ['Charger', 'Result', 'Last status', 'Answer', 'History']
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, u.chargers.map((c) => h('tr', { dataset: { charger: c.chargeBoxId, result: c.result } },
        h('td', {}, h('a', { href: `#/chargers/${enc(c.chargeBoxId)}` }, c.chargeBoxId)),
        h('td', {}, h('span', { class: `badge-outcome ${c.result}` }, c.result)), h('td', {}, c.status || '–'),
        h('td', {}, c.reason), h('td', {}, c.history.map((s) => s.status).reverse().join(' → '))))))));
}

async function firmwareDetails(id) {
  const data = await get(`firmware/${enc(id)}`);
  const updates = await Promise.all(data.updates.map((u) => get(`firmware/${enc(id)}/updates/${u.id}`)));
  const f = data.firmware;
  return h('section', { class: 'card', 'aria-labelledby': `h-fw-${f.id}`, dataset: { firmware: f.id } },
    h('h2', { id: `h-fw-${f.id}` }, `${f.name} (${f.size} bytes)`),
    h('p', {}, h('code', {}, `SHA-256 ${f.sha256}`)),
    updates.length === 0 ? h('p', {}, 'Not sent to any charger yet.') : updates.map((u) => updateDetails(u.update)));
}

export async function render(view, ctx) {
  const list = h('tbody');
  const detail = h('div', { 'aria-live': 'polite' });
  const selected = ctx.query.get('firmware') || '';
  const refresh = async () => {
    const data = await get('firmware');
    clear(list, data.firmware.length === 0 ? h('tr', {}, h('td', { colspan: 4 }, 'No firmware uploaded yet.'))
      : data.firmware.map((f) => h('tr', { dataset: { firmware: f.id } },
        h('td', {}, h('a', { href: `#/firmware?firmware=${f.id}` }, f.name)), h('td', {}, String(f.size)),
        h('td', {}, h('code', {}, f.sha256.slice(0, 16))), h('td', {}, when(f.createdAt)))));
    if (!selected) return;
    try {
      clear(detail, await firmwareDetails(selected));
    } catch (e) {
      clear(detail, h('p', { class: 'error', role: 'alert' }, e.message));
    }
  };
  clear(view, h('h1', {}, 'Firmware'),
    h('p', {}, 'Signed firmware uploads and their updates; upload and send them through the API.'),
    h('section', { 'aria-labelledby': 'h-firmware' }, h('h2', { id: 'h-firmware' }, 'Uploads'),
      h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Firmware uploads'),
        h('thead', {}, h('tr', {}, ['Name', 'Bytes', 'SHA-256', 'Uploaded'].map((c) => h('th', { scope: 'col' }, c)))),
        list))),
    detail);
  return poll(refresh, 3000);
}
