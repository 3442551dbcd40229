// The DataTransfer log: what chargers sent with DataTransfer and how the central system answered, newest first.
import { get, enc } from './api.js';
import { h, clear, field, poll, when } from './ui.js';

export async function render(view) {
  const filter = h('input', { type: 'text', name: 'chargeBoxId' });
  const list = h('tbody');
  const refresh = async () => {
    const d = await get(`data-transfers?limit=200${filter.value ? `&chargeBoxId=${enc(filter.value)}` : ''}`);
    clear(list, d.dataTransfers.length === 0 ? h('tr', {}, h('td', { colspan: 6 }, 'No DataTransfer received.'))
      : d.dataTransfers.map((t) => h('tr', { dataset: { transfer: t.id, status: t.status } }, h('td', {}, when(t.at)),
        h('td', {}, t.chargeBoxId), h('td', {}, `${t.vendorId} / ${t.messageId}`), h('td', { class: 'wrap' }, t.data),
        h('td', {}, t.status), h('td', { class: 'wrap' }, t.answerData))));
  };
  filter.addEventListener('change', () => refresh().catch(() => {}));
  clear(view, h('h1', {}, 'DataTransfer'), field('Charger', filter, 'empty: all chargers'),
    h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'DataTransfer messages'),
      h('thead', {}, h('tr', {}, ['At', 'Charger', 'Vendor / message', 'Data', 'Answer', 'Answer data']
        .map((c) => h('th', { scope: 'col' }, c)))), list)));
  return poll(refresh, 3000);
}
