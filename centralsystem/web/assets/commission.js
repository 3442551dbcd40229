// Put into operation: address, geo position (draggable marker on the map, or typed), accessibility, hotline,
// emergency contact, and per charge point the settings for plausibility checks, pre-filled from what is known.
import { get, post, enc } from './api.js';
import { h, clear, field, plural, showError, toast } from './ui.js';
import { MapView } from './mapview.js';
import { searchControl } from './geocode.js';

const ACCESS = ['Public', 'Customers only', 'Residents only', 'Employees only', 'Restricted'];

// r: what the charger reported for this connector (GetConfiguration while planned), or {}.
function phasesOf(p, r = {}) {
  if (p.phases) return p.phases;
  if (r.phases) return r.phases;
  if (p.powerType === 'AC_1_PHASE') return 1;
  if (p.powerType === 'AC_2_PHASE' || p.powerType === 'AC_2_PHASE_SPLIT') return 2;
  if (p.powerType === 'AC_3_PHASE') return 3;
  return '';
}

function currentOf(p, r = {}) {
  if (p.maxCurrentA) return p.maxCurrentA;
  if (r.maxCurrentA) return r.maxCurrentA;
  const phases = phasesOf(p, r);
  if (!p.maxPowerKw || !phases) return '';
  return Math.round((p.maxPowerKw * 1000) / (230 * phases));
}

export async function render(view, ctx) {
  const c = await get(`chargers/${enc(ctx.id)}`);
  const a = c.address || { street: '', postalCode: '', city: '', country: 'DE' };
  const pos = c.location ? { lat: c.location.latitude, lon: c.location.longitude } : { lat: 52.52, lon: 13.405 };
  const input = (name, value, attrs = {}) => h('input', { name, value: value ?? '', ...attrs });
  const street = input('address/street', a.street, { required: true, maxlength: 128, autocomplete: 'address-line1' });
  const postal = input('address/postalCode', a.postalCode, { required: true, maxlength: 16, autocomplete: 'postal-code' });
  const city = input('address/city', a.city, { required: true, maxlength: 64, autocomplete: 'address-level2' });
  const country = input('address/country', a.country, { required: true, maxlength: 2, autocomplete: 'country',
    pattern: '[A-Za-z]{2}' });
  const lat = input('location/latitude', pos.lat.toFixed(6), { type: 'number', step: 'any', min: -90, max: 90 });
  const lon = input('location/longitude', pos.lon.toFixed(6), { type: 'number', step: 'any', min: -180, max: 180 });
  const access = h('select', { name: 'accessibility' }, h('option', { value: '' }, 'Not specified'),
    ACCESS.map((x) => h('option', { value: x, selected: x === c.accessibility }, x)));
  const hotline = input('hotline', c.hotline, { required: true, maxlength: 32, type: 'tel', autocomplete: 'tel' });
  const emergency = input('emergencyContact', c.emergencyContact, { maxlength: 128 });
  const mapBox = h('div', { id: 'position-map' });
  const prefill = (c.reported && c.reported.prefill) || { chargePoints: [] };
  const points = c.chargePoints.map((p, i) => {
    const r = prefill.chargePoints.find((x) => x.connectorId === p.connectorId) || {};
    const current = input(`chargePoints/${i}/maxCurrentA`, currentOf(p, r), { type: 'number', min: 1, max: 1000, step: 'any' });
    const phases = h('select', { name: `chargePoints/${i}/phases` }, h('option', { value: '' }, 'DC / not applicable'),
      [1, 2, 3].map((n) => h('option', { value: n, selected: n === phasesOf(p, r) }, String(n))));
    const power = input(`chargePoints/${i}/maxPowerKw`, p.maxPowerKw ?? '', { type: 'number', min: 0.1, max: 2000, step: 'any' });
    return { p, current, phases, power };
  });
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  const configured = prefill.numberOfConnectors
    ? ` Its configuration: ${plural(Number(prefill.numberOfConnectors), 'connector')}` +
      (prefill.meterValueSampleInterval != null ? `, meter values every ${prefill.meterValueSampleInterval} s` : '') +
      (prefill.meterValuesSampledData ? ` (${prefill.meterValuesSampledData})` : '') + '.'
    : '';
  const reported = h('p', { class: 'muted' }, c.boot.at
    ? `The charger reported: ${c.boot.vendor} ${c.boot.model}, serial ${c.boot.serial || '—'}, firmware ${c.boot.firmware || '—'}.${configured}`
    : 'The charger has not connected yet: settings come from the charger as created.');
  const form = h('form', { novalidate: true },
    reported,
    h('fieldset', {}, h('legend', {}, 'Address'), field('Street and number', street), field('Postal code', postal),
      field('City', city), field('Country (two letters, ISO 3166)', country)),
    h('fieldset', {}, h('legend', {}, 'Geo position'),
      h('p', { class: 'hint' }, ctx.config.geocoderUrl ? 'Find the address, drag the marker, click the map, or type the coordinates.'
        : 'Drag the marker, click the map, or type the coordinates.'),
      ctx.config.geocoderUrl ? searchControl(ctx.config.geocoderUrl, 'Find the address on the map',
        () => [street.value, `${postal.value} ${city.value}`, country.value].map((x) => x.trim()).filter(Boolean).join(', '),
        (p) => { lat.value = p.lat.toFixed(6); lon.value = p.lon.toFixed(6); lat.dispatchEvent(new Event('change')); })
        : null,
      mapBox,
      h('div', { class: 'columns' }, field('Latitude', lat), field('Longitude', lon))),
    h('fieldset', {}, h('legend', {}, 'Access and contacts'), field('Accessibility', access),
      field('Hotline', hotline, 'Shown to drivers; required.'), field('Emergency contact', emergency)),
    points.map(({ p, current, phases, power }) => h('fieldset', { dataset: { point: p.connectorId } },
      h('legend', {}, `Charge point ${p.connectorId}${p.evseId ? ` (${p.evseId})` : ''}`),
      field('Maximum current (A)', current), field('Phases', phases), field('Maximum power (kW)', power))),
    msg,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, 'Put into operation'),
      h('a', { class: 'btn', href: `#/chargers/${enc(c.chargeBoxId)}` }, 'Cancel')));
  clear(view, h('h1', {}, `Put ${c.chargeBoxId} into operation`), h('div', { class: 'card' }, form));

  if (c.connected) {
    // What the charger says about itself now: its connectors, against the charge points it was created with.
    post(`chargers/${enc(c.chargeBoxId)}/commands/GetConfiguration`, { key: ['NumberOfConnectors'] }).then((r) => {
      const k = (r.response.configurationKey || []).find((x) => x.key === 'NumberOfConnectors');
      if (!k) return;
      const n = Number(k.value);
      reported.append(` It reports ${plural(n, 'connector')}`, n === c.chargePoints.length ? '.'
        : h('strong', {}, ` but has ${plural(c.chargePoints.length, 'charge point')} here: check the charge points.`));
    }).catch(() => {});
  }
  const map = new MapView(mapBox, { tileUrl: ctx.config.mapTileUrl, zoom: c.location ? 15 : 11, label: 'Position of the charger' });
  map.setMarker(pos, (p) => { lat.value = p.lat.toFixed(6); lon.value = p.lon.toFixed(6); });
  const typed = () => {
    const la = Number(lat.value);
    const lo = Number(lon.value);
    if (lat.value !== '' && lon.value !== '' && Math.abs(la) <= 85 && Math.abs(lo) <= 180) {
      map.marker = { lat: la, lon: lo };
      map.center = { lat: la, lon: lo };
      map.draw();
    }
  };
  lat.addEventListener('change', typed);
  lon.addEventListener('change', typed);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const num = (el) => (el.value === '' ? undefined : Number(el.value));
    const body = {
      address: { street: street.value.trim(), postalCode: postal.value.trim(), city: city.value.trim(),
        country: country.value.trim().toUpperCase() },
      location: { latitude: num(lat), longitude: num(lon) },
      hotline: hotline.value.trim(),
      chargePoints: points.map(({ p, current, phases, power }) => ({ connectorId: p.connectorId,
        maxCurrentA: num(current), phases: num(phases), maxPowerKw: num(power) })),
    };
    if (emergency.value.trim()) body.emergencyContact = emergency.value.trim();
    if (access.value) body.accessibility = access.value;
    const missing = [[street, 'address/street'], [postal, 'address/postalCode'], [city, 'address/city'],
      [country, 'address/country'], [hotline, 'hotline']].find(([el]) => !el.value.trim());
    if (missing) {
      const label = form.querySelector(`label[for="${missing[0].id}"]`).textContent;
      return showError(form, { field: missing[1], message: `${label} is required.` }, msg);
    }
    try {
      await post(`chargers/${enc(c.chargeBoxId)}/commission`, body);
      toast(`${c.chargeBoxId} is in operation.`);
      ctx.go(`#/chargers/${enc(c.chargeBoxId)}`);
    } catch (e) {
      showError(form, e, msg);
    }
  });
  return () => map.destroy();
}
