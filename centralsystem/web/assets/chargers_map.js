// Map of all chargers with a position: individual chargers when zoomed in, numbered clusters when zoomed out (a
// cluster fans its chargers out when clicked); choosing a charger shows its charge points and a link to its details.
// With a geocoder configured, a place search moves the map there.
import { get, enc } from './api.js';
import { h, clear, field, poll, plural, tileOf, statusBadge, TILE_LABELS } from './ui.js';
import { MapView } from './mapview.js';
import { searchControl } from './geocode.js';

const ORDER = ['available', 'occupied', 'notAvailable', 'inoperative'];

export async function render(view, ctx) {
  const box = h('div', { id: 'charger-map' });
  const panel = h('section', { class: 'card', id: 'map-details', 'aria-live': 'polite', 'aria-label': 'Selected charger' },
    h('p', { class: 'muted' }, 'Choose a charger on the map (click, or Tab and Enter).'));
  const count = h('p', { class: 'muted' });
  const legend = h('p', { class: 'small' }, ORDER.map((t) => [statusBadge(t), ' ']));
  const place = h('input', { type: 'search', name: 'place', maxlength: 200, autocomplete: 'off' });
  const search = ctx.config.geocoderUrl ? h('div', { class: 'card' }, field('Find a place', place),
    searchControl(ctx.config.geocoderUrl, 'Search', () => place.value, (p) => {
      map.center = { lat: p.lat, lon: p.lon };
      map.zoom = 15;
      map.root.dataset.zoom = '15';
      map.fanned = null;
      map.draw();
    })) : null;
  clear(view, h('h1', {}, 'Map'), count, legend, search, box, panel);
  let chargers = [];
  const select = (p) => {
    const c = chargers.find((x) => x.chargeBoxId === p.id);
    if (!c) return;
    clear(panel, h('h2', {}, c.chargeBoxId),
      h('p', {}, c.address ? `${c.address.street}, ${c.address.postalCode} ${c.address.city}` : '', ' · ',
        c.connected ? 'Online' : 'Offline'),
      h('ul', { class: 'plain' }, c.chargePoints.map((cp) => h('li', {}, `${cp.evseId || `#${cp.connectorId}`} `,
        statusBadge(tileOf(c, cp), c.connected && cp.status ? cp.status : undefined)))),
      h('a', { class: 'btn primary', href: `#/chargers/${enc(c.chargeBoxId)}` }, 'Go to details'));
  };
  const map = new MapView(box, { tileUrl: ctx.config.mapTileUrl, label: 'Map of chargers', onSelect: select });
  let first = true;
  const stop = poll(async () => {
    chargers = (await get('chargers')).chargers || [];
    const points = chargers.filter((c) => c.location).map((c) => {
      const tiles = c.chargePoints.map((cp) => tileOf(c, cp));
      const tile = ORDER.find((t) => tiles.includes(t)) || 'inoperative';
      return { id: c.chargeBoxId, lat: c.location.latitude, lon: c.location.longitude, tile,
        label: `${c.chargeBoxId}: ${TILE_LABELS[tile]}, ${plural(c.chargePoints.length, 'charge point')}` };
    });
    count.textContent = `${points.length} of ${chargers.length} chargers have a position` +
      (chargers.length > points.length ? ' (the others are not put into operation yet)' : '');
    if (first) { map.fit(points); first = false; }
    map.setPoints(points);
  }, 5000);
  return () => { stop(); map.destroy(); };
}
