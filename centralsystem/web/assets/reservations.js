// Reservations: reserve a connector for a driver until a time, see who holds which connector until when, cancel one
// (the page polls while it is open). A connector of a reserved charger also shows Reserved in the charger views.
import { api, get, post, enc } from './api.js';
import { h, clear, field, poll, showError, when, toast } from './ui.js';

function newReservationForm(onMade) {
  const charger = h('input', { name: 'chargeBoxId', autocomplete: 'off', maxlength: 48, required: true });
  const connector = h('input', { name: 'connectorId', type: 'number', min: 0, max: 100, value: 1 });
  const tag = h('input', { name: 'idTag', autocomplete: 'off', maxlength: 20, required: true });
  const minutes = h('input', { name: 'expiryDate', type: 'number', min: 1, max: 1440, value: 30 });
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'card', novalidate: true, 'aria-label': 'New reservation' },
    h('h2', {}, 'Reserve a connector'), field('Charger', charger),
    field('Connector', connector, '0 reserves the whole charger where it supports that.'),
    field('Id tag', tag, 'A tag of the registry: the driver who may charge there.'),
    field('Minutes', minutes, 'How long the connector stays reserved (at most 24 hours).'),
    h('button', { type: 'submit', class: 'btn primary' }, 'Reserve'), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.hidden = true;
    const expiry = new Date(Date.now() + Number(minutes.value || 0) * 60000);
    const body = {
      chargeBoxId: charger.value.trim(), connectorId: Number(connector.value), idTag: tag.value.trim(),
      expiryDate: expiry.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    try {
      const r = await post('reservations', body);
      toast(`Reservation ${r.reservation.id} for ${r.reservation.idTag} is active.`);
      onMade();
    } catch (e) {
      showError(form, e, msg);
    }
  });
  return form;
}

function row(r, refresh) {
  const cancel = r.open ? h('button', { type: 'button', class: 'btn', 'aria-label': `Cancel reservation ${r.id}` },
    'Cancel') : null;
  if (cancel) {
    cancel.addEventListener('click', async () => {
      cancel.disabled = true;
      try {
        await api('DELETE', `reservations/${enc(r.id)}`);
        toast(`Reservation ${r.id} cancelled.`);
      } catch (e) {
        toast(e.message);
      }
      refresh();
    });
  }
  return h('tr', { dataset: { reservation: r.id, status: r.status } },
    h('td', {}, String(r.id)),
    h('td', {}, h('a', { href: `#/chargers/${enc(r.chargeBoxId)}` }, r.chargeBoxId)),
    h('td', {}, r.connectorId === 0 ? 'any' : String(r.connectorId)), h('td', {}, r.idTag),
    h('td', {}, when(r.expiryDate)), h('td', {}, h('span', { class: `badge-outcome ${r.status}` }, r.status)),
    h('td', {}, r.answer || '–'), h('td', {}, r.transactionId ? String(r.transactionId) : '–'), h('td', {}, cancel));
}

// Adds "reserved for TAG until TIME" to the status cell of each reserved connector row ([data-connector]) of `tbody`;
// a reservation of connector 0 (the whole charger) marks every row.
export async function markReserved(tbody, chargeBoxId) {
  const data = await get(`reservations?chargeBoxId=${enc(chargeBoxId)}&status=active`);
  tbody.querySelectorAll('span[data-reservation]').forEach((s) => s.remove());
  for (const r of data.reservations) {
    tbody.querySelectorAll('tr[data-connector]').forEach((tr) => {
      if (r.connectorId !== 0 && tr.dataset.connector !== String(r.connectorId)) return;
      const cell = tr.querySelector('.cp-status');
      if (cell) cell.append(h('span', { class: 'hint', dataset: { reservation: r.id } },
        ` reserved for ${r.idTag} until ${when(r.expiryDate)}`));
    });
  }
}

export async function render(view) {
  const list = h('tbody');
  const refresh = async () => {
    const data = await get('reservations');
    clear(list, data.reservations.length === 0 ? h('tr', {}, h('td', { colspan: 9 }, 'No reservations yet.'))
      : data.reservations.map((r) => row(r, refresh)));
  };
  clear(view, h('h1', {}, 'Reservations'),
    h('p', {}, 'A reserved connector waits for its driver until the reservation expires, is cancelled or is used.'),
    newReservationForm(refresh),
    h('section', { 'aria-labelledby': 'h-reservations' }, h('h2', { id: 'h-reservations' }, 'Reservations'),
      h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Reservations'),
        h('thead', {}, h('tr', {}, ['Id', 'Charger', 'Connector', 'Id tag', 'Until', 'Status', 'Answer', 'Session', '']
          .map((c) => h('th', { scope: 'col' }, c)))),
        list))));
  return poll(refresh, 3000);
}
