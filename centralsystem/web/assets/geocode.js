// Address search through the configured geocoder (--geocoder-url, a server speaking Nominatim's search API). The
// browser asks that server directly and no other; without one configured the pages offer no search.
import { h, clear } from './ui.js';

// Up to 5 places for `query`: [{lat, lon, name}], or throws an Error with words for the user.
export async function geocode(base, query) {
  const url = `${base}/search?q=${encodeURIComponent(query)}&format=jsonv2&limit=5`;
  let res;
  try {
    res = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'omit', referrerPolicy: 'no-referrer' });
  } catch (e) {
    throw new Error('the geocoder cannot be reached');
  }
  if (!res.ok) throw new Error(`the geocoder answered HTTP ${res.status}`);
  let data;
  try {
    data = await res.json();
  } catch (e) {
    throw new Error('the geocoder did not answer with JSON');
  }
  if (!Array.isArray(data)) throw new Error('the geocoder did not answer with a list of places');
  return data.slice(0, 5).map((p) => ({ lat: Number(p.lat), lon: Number(p.lon),
    name: String(p.display_name || p.name || '').slice(0, 200) }))
    .filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon) && Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180);
}

// A search button (and its result list) that asks the geocoder for query() and calls pick(place) for the place
// chosen: at once when there is one, by a button per place when there are several.
export function searchControl(base, label, query, pick) {
  const results = h('ul', { class: 'plain geocode-results', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'btn' }, label);
  button.addEventListener('click', async () => {
    const q = query().trim();
    if (!q) { clear(results, h('li', { class: 'field-error' }, 'Enter an address first.')); return; }
    clear(results, h('li', { class: 'muted' }, 'Searching…'));
    try {
      const places = await geocode(base, q);
      if (places.length === 0) { clear(results, h('li', { class: 'field-error' }, `No place found for "${q}".`)); return; }
      if (places.length === 1) {
        clear(results, h('li', { class: 'muted' }, `Found: ${places[0].name}`));
        pick(places[0]);
        return;
      }
      clear(results, places.map((p) => h('li', {}, h('button', { type: 'button', class: 'link',
        onclick: () => { clear(results, h('li', { class: 'muted' }, `Chosen: ${p.name}`)); pick(p); } }, p.name))));
    } catch (e) {
      clear(results, h('li', { class: 'field-error' }, e.message));
    }
  });
  return h('div', { class: 'geocode' }, button, results);
}
