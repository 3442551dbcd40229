// The create-charger wizard's catalogue: a shipped model fills in vendor, model and each charge point's connector
// type, format, mode and power; an operator's own model (added through the API) is offered too; the summary is a
// sticker sheet with a QR code per EVSE ID. Desktop and 360 px, and no request leaves the portal.
import { suite, expect, expectEqual } from './harness.mjs';
import { startCentralSystem, signIn } from './portal_support.mjs';

async function next(page) {
  await page.getByRole('button', { name: 'Next' }).click();
}

async function catalogue(t, pageOptions, width) {
  const cs = await startCentralSystem(t);
  await cs.api('POST', 'hardware-models', { vendor: 'Acme', model: 'Box 7', connectors: [
    { standard: 'DOMESTIC_F', format: 'SOCKET', powerType: 'AC_1_PHASE', maxPowerKw: 3.7 }] });
  const page = await signIn(t, cs, pageOptions);
  const foreign = [];
  page.on('request', (r) => { if (!r.url().startsWith(cs.url(''))) foreign.push(r.url()); });
  await page.goto(cs.url('/#/chargers/new'));
  await page.getByText('No: I choose the Chargebox ID and password').click();
  await page.getByLabel('Chargebox ID', { exact: true }).fill('CAT-1');
  await next(page);
  const pick = page.getByLabel('Hardware model', { exact: true });
  await t.waitFor(async () => (await pick.locator('option').count()) > 12, 'the catalogue to load');
  const own = await pick.locator('option', { hasText: 'Acme Box 7' }).count();
  expectEqual(own, 1, 'the operator\'s own model is offered');
  await pick.selectOption({ label: (await pick.locator('option', { hasText: 'Alfen Eve Double' }).textContent()).trim() });
  expectEqual(await page.getByLabel('Vendor', { exact: true }).inputValue(), 'Alfen', 'vendor from the model');
  expectEqual(await page.getByLabel('Number of charge points', { exact: true }).inputValue(), '2', 'its 2 connectors');
  await t.screenshot(page, 'wizard-hardware');
  await next(page);
  expectEqual(await page.getByLabel('Connector type', { exact: true }).inputValue(), 'IEC_62196_T2', 'type 2');
  expectEqual(await page.getByLabel('Format', { exact: true }).inputValue(), 'SOCKET', 'socket');
  expectEqual(await page.getByLabel('Charging mode', { exact: true }).inputValue(), 'AC_3_PHASE', 'three phases');
  expectEqual(await page.getByLabel('Maximum power (kW)', { exact: true }).inputValue(), '22', '22 kW');
  await page.getByLabel('EVSE ID', { exact: true }).fill('DE*CAT*E1*1');
  await next(page);
  await page.getByLabel('EVSE ID', { exact: true }).fill('DE*CAT*E1*2');
  await next(page);
  const qrs = page.locator('.summary svg[data-qr]');
  expectEqual(await qrs.count(), 2, 'a QR code per EVSE ID');
  expectEqual(await qrs.nth(1).getAttribute('data-qr'), 'DE*CAT*E1*2', 'the QR code holds the EVSE ID');
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scroll <= width, `the summary fits ${width} px (scroll width ${scroll})`);
  await t.screenshot(page, 'wizard-summary');
  await page.getByRole('button', { name: 'Create charging station' }).click();
  await page.getByText('CAT-1 was created').waitFor();
  await page.getByText('SIM card ICCID').first().waitFor();
  expectEqual(await page.locator('.summary svg[data-qr]').count(), 2, 'the printed sheet has the stickers');
  const stored = (await cs.api('GET', 'chargers/CAT-1')).body;
  expectEqual(stored.chargePoints.map((p) => `${p.standard} ${p.maxPowerKw}`).join(','),
    'IEC_62196_T2 22,IEC_62196_T2 22', 'stored from the model');
  expectEqual(foreign.join(' '), '', 'requests to other hosts');
}

suite('wizard', {
  async catalogue_desktop(t) {
    await catalogue(t, undefined, 1280);
  },
  async catalogue_phone(t) {
    await catalogue(t, { width: 360, height: 740 }, 360);
  },
});
