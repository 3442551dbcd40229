// The price sets of one charger (details page): the list, a form to add one, and delete where the server allows it.
// A session's revenue uses the price set valid when it ran; figures stay per currency.
import { get, post, api, enc } from './api.js';
import { h, clear, field, showError, when, toast } from './ui.js';

export function priceSection(id, charger) {
  const body = h('tbody');
  const connector = h('select', { name: 'connectorId' }, h('option', { value: '' }, 'All charge points'),
    charger.chargePoints.map((p) => h('option', { value: p.connectorId }, `Charge point ${p.connectorId}`)));
  const currency = h('input', { name: 'currency', value: 'EUR', maxlength: 3, required: true, autocomplete: 'off' });
  const num = (name) => h('input', { name, type: 'number', min: 0, step: 'any', value: '0' });
  const perKwh = num('perKwh');
  const perSession = num('perSession');
  const perMinute = num('perMinute');
  const now = new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  const from = h('input', { name: 'validFrom', type: 'datetime-local', value: now, required: true });
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'filters', novalidate: true, 'aria-label': 'New price set' },
    field('Applies to', connector), field('Currency', currency), field('Per kWh', perKwh),
    field('Per session', perSession), field('Per minute', perMinute), field('Valid from', from),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'btn primary' }, 'Add price set')), msg);

  const refresh = async () => {
    const data = await get(`chargers/${enc(id)}/prices`);
    const sets = data.priceSets || [];
    clear(body, sets.length === 0 ? h('tr', {}, h('td', { colspan: 7 }, 'No price set: sessions earn nothing.'))
      : sets.map((p) => h('tr', { dataset: { priceSet: p.id } },
        h('td', {}, p.connectorId ? `Charge point ${p.connectorId}` : 'All'),
        h('td', {}, `${p.perKwh.toFixed(2)} ${p.currency}`), h('td', {}, `${p.perSession.toFixed(2)} ${p.currency}`),
        h('td', {}, `${p.perMinute.toFixed(2)} ${p.currency}`), h('td', {}, when(p.validFrom)),
        h('td', {}, p.validTo ? when(p.validTo) : 'open'),
        h('td', {}, h('button', { type: 'button', class: 'btn', 'aria-label': `Delete price set ${p.id}`,
          onclick: async () => {
            try {
              await api('DELETE', `chargers/${enc(id)}/prices/${p.id}`);
              toast('Price set deleted.');
              refresh();
            } catch (e) {
              toast(`Not deleted: ${e.message}`);
            }
          } }, 'Delete')))));
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.hidden = true;
    const b = { currency: currency.value.trim().toUpperCase(), perKwh: Number(perKwh.value || 0),
      perSession: Number(perSession.value || 0), perMinute: Number(perMinute.value || 0),
      validFrom: from.value ? new Date(from.value).toISOString() : '' };
    if (connector.value) b.connectorId = Number(connector.value);
    try {
      await post(`chargers/${enc(id)}/prices`, b);
      toast('Price set added.');
      refresh();
    } catch (e) {
      showError(form, e, msg);
    }
  });

  const element = h('section', { 'aria-labelledby': 'h-prices' }, h('h2', { id: 'h-prices' }, 'Prices'),
    h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Price sets'),
      h('thead', {}, h('tr', {}, ['Applies to', 'Per kWh', 'Per session', 'Per minute', 'Valid from', 'Valid to', '']
        .map((c) => h('th', { scope: 'col' }, c)))), body)),
    h('div', { class: 'card' }, form));
  refresh().catch(() => {});
  return { element, refresh };
}
