// The chargers' map: chargers at one spot fan out when their cluster is clicked (each charger two clicks away, at any
// zoom), clusters never overlap, and with --geocoder-url (here a local stand-in speaking Nominatim's search API) an
// address finds the position; the browser asks no host but the portal and the configured geocoder. Desktop and 360 px.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite, expect, expectEqual } from './harness.mjs';
import { startCentralSystem, signIn, createOperationalCharger } from './portal_support.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

async function geocoder(t) {
  const port = await t.freePort();
  return t.start('/usr/bin/python3', [path.join(here, 'nominatim_standin.py'), String(port)],
    { name: 'nominatim', port });
}

// Markers (clusters and chargers) whose discs overlap on screen.
async function overlapping(page) {
  return page.evaluate(() => {
    const boxes = [...document.querySelectorAll('#charger-map .marker:not(.drag-marker)')]
      .filter((m) => !m.closest('.fan')).map((m) => {
        const r = m.querySelector('circle').getBoundingClientRect();
        return { id: m.getAttribute('aria-label'), x: r.x + r.width / 2, y: r.y + r.height / 2, r: r.width / 2 };
      });
    const out = [];
    for (let i = 0; i < boxes.length; i += 1) {
      for (let j = i + 1; j < boxes.length; j += 1) {
        const a = boxes[i];
        const b = boxes[j];
        if (Math.hypot(a.x - b.x, a.y - b.y) < a.r + b.r) out.push(`${a.id} / ${b.id}`);
      }
    }
    return out;
  });
}

async function mapFlow(t, pageOptions, width) {
  const places = await geocoder(t);
  const cs = await startCentralSystem(t, { extra: ['--geocoder-url', places.url('')] });
  // Three chargers at one address, and others spread around Berlin and Munich.
  for (const id of ['SPOT-1', 'SPOT-2', 'SPOT-3']) await createOperationalCharger(cs, id, `${id}-password`, 1);
  const spread = [['NEAR-1', 52.5305, 13.3815], ['NEAR-2', 52.5296, 13.3786], ['NEAR-3', 52.5312, 13.3790],
    ['MUC-1', 48.137, 11.575]];
  for (const [id, lat, lon] of spread) {
    await cs.api('POST', 'chargers', { chargeBoxId: id, password: `${id}-password`,
      chargePoints: [{ connectorId: 1, evseId: `DE*MAP*E${id.replace('-', '')}*1` }] });
    await cs.api('POST', `chargers/${id}/commission`, { hotline: '+49 30 1',
      address: { street: 'Street 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
      location: { latitude: lat, longitude: lon }, chargePoints: [{ connectorId: 1, maxCurrentA: 16, phases: 3 }] });
  }
  const page = await signIn(t, cs, pageOptions);
  const foreign = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(cs.url('')) && !r.url().startsWith(places.url(''))) foreign.push(r.url());
  });
  await page.goto(cs.url('/#/map'));
  await page.getByRole('heading', { name: 'Map', level: 1 }).waitFor();
  const map = page.locator('#charger-map');
  await map.locator('.marker').first().waitFor();
  // At every zoom no two markers overlap.
  for (let i = 0; i < 14; i += 1) {
    const both = await overlapping(page);
    expectEqual(both.join('; '), '', `overlapping markers at zoom ${await map.getAttribute('data-zoom')}`);
    await page.getByRole('button', { name: 'Zoom in' }).click();
  }
  expectEqual(await map.getAttribute('data-zoom'), '18', 'zoomed all the way in');
  // The three at one spot stay one cluster; a click fans them out, a second click picks one.
  const spot = map.locator('.marker.cluster[aria-label*="SPOT-2"]');
  await t.waitFor(async () => (await spot.count()) === 1, 'the cluster of one address at the closest zoom');
  expectEqual(await spot.getAttribute('data-count'), '3', 'three chargers at the spot');
  await spot.press('Enter'); // the view is centred elsewhere: the keyboard reaches markers off screen too
  const fanned = map.locator('.fan .marker');
  await t.waitFor(async () => (await fanned.count()) === 3, 'the cluster fanned out');
  await map.locator('.fan .marker[data-id="SPOT-2"]').press('Enter');
  await page.locator('#map-details').getByRole('heading', { name: 'SPOT-2' }).waitFor();
  // Zoomed out: every charger is still two clicks away (cluster, then charger).
  for (let i = 0; i < 12; i += 1) await page.getByRole('button', { name: 'Zoom out' }).click();
  const big = map.locator('.marker.cluster[aria-label*="NEAR-2"]');
  await big.click();
  await t.screenshot(page, 'map-fanned');
  await map.locator('.fan .marker[data-id="NEAR-2"]').click();
  await page.locator('#map-details').getByRole('heading', { name: 'NEAR-2' }).waitFor();
  // A place search moves the map.
  await page.getByLabel('Find a place').fill('Marienplatz');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await t.waitFor(async () => (await map.getAttribute('data-zoom')) === '15', 'the map zoomed to the place');
  await map.locator('.marker[data-id="MUC-1"]').waitFor();
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scroll <= width, `the map page fits ${width} px (scroll width ${scroll})`);
  await t.screenshot(page, 'map-searched');

  // Putting a charger into operation: the address finds the position (two places: one is chosen).
  await cs.api('POST', 'chargers', { chargeBoxId: 'GEO-1', password: 'geo-password-1',
    chargePoints: [{ connectorId: 1, evseId: 'DE*MAP*EGEO1*1' }] });
  await page.goto(cs.url('/#/chargers/GEO-1/commission'));
  await page.getByLabel('Street and number', { exact: true }).fill('Marien');
  await page.getByLabel('City', { exact: true }).fill('München');
  await page.getByRole('button', { name: 'Find the address on the map' }).click();
  await page.getByRole('button', { name: /Marienplatz 1/ }).click();
  expectEqual(await page.getByLabel('Latitude', { exact: true }).inputValue(), '48.137400', 'latitude from the address');
  expectEqual(await page.getByLabel('Longitude', { exact: true }).inputValue(), '11.575500', 'longitude');
  await page.getByLabel('Street and number', { exact: true }).fill('Invalidenstraße 50');
  await page.getByRole('button', { name: 'Find the address on the map' }).click();
  await t.waitFor(async () => (await page.getByLabel('Latitude', { exact: true }).inputValue()) === '52.525100',
    'one place found is taken at once');
  await t.screenshot(page, 'commission-geocoded');
  expect(places.log().includes('search: Invalidenstraße 50'), `the geocoder was asked:\n${places.log()}`);
  expectEqual(foreign.join(' '), '', 'requests to hosts other than the portal and the geocoder');
}

suite('map', {
  async map_desktop(t) {
    await mapFlow(t, undefined, 1280);
  },
  async map_phone(t) {
    await mapFlow(t, { width: 360, height: 740 }, 360);
  },
  // Without --geocoder-url: no search is offered, typed coordinates still place the marker, nothing leaves the portal.
  async without_geocoder(t) {
    const cs = await startCentralSystem(t);
    await cs.api('POST', 'chargers', { chargeBoxId: 'TYPED-1', password: 'typed-password-1',
      chargePoints: [{ connectorId: 1, evseId: 'DE*MAP*ETYPED1*1' }] });
    const page = await signIn(t, cs);
    const foreign = [];
    page.on('request', (r) => { if (!r.url().startsWith(cs.url(''))) foreign.push(r.url()); });
    await page.goto(cs.url('/#/chargers/TYPED-1/commission'));
    await page.getByLabel('Latitude', { exact: true }).waitFor();
    expectEqual(await page.getByRole('button', { name: 'Find the address on the map' }).count(), 0, 'no search');
    await page.getByLabel('Latitude', { exact: true }).fill('50.1');
    await page.getByLabel('Longitude', { exact: true }).fill('8.7');
    await page.getByLabel('Longitude', { exact: true }).press('Tab');
    await t.waitFor(async () => (await page.locator('.drag-marker').getAttribute('aria-label')).includes('50.10000'),
      'the marker at the typed position');
    await page.goto(cs.url('/#/map'));
    await page.getByRole('heading', { name: 'Map', level: 1 }).waitFor();
    expectEqual(await page.getByLabel('Find a place').count(), 0, 'no place search');
    expectEqual(foreign.join(' '), '', 'requests to other hosts');
  },
});
