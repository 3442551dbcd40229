// The portal's reservations and local-lists pages in headless chromium against a simulated charger: a reservation
// made from the form shows active and the charger's connector Reserved (for whom, until when, in the charger's view), a bad id tag is marked at its field, the
// reservation is cancelled from its row; the local-lists page shows the charger in sync and resyncs it; both pages
// fit a 360 px phone without sideways scrolling.
import { suite, expect, expectEqual } from './harness.mjs';
import { startCentralSystem, signIn, createOperationalCharger, expectLabelled } from './portal_support.mjs';

async function connected(t, cs, id) {
  await t.waitFor(async () => (await cs.api('GET', `chargers/${id}`)).text.includes('"connected":true'),
    `${id} to connect`);
}

suite('reservations', {
  async reservations(t) {
    const cs = await startCentralSystem(t);
    await createOperationalCharger(cs, 'RSVP000001', 'rsvp-password-1', 2);
    await cs.api('POST', 'idtags', { idTag: 'DRIVER-P', status: 'Accepted' });
    await t.start('ocpp-simulator', ['run', '--url', cs.wsUrl, '--chargers', '1', '--connectors', '2',
      '--id-prefix', 'RSVP', '--password', 'rsvp-password-1', '--sessions-per-hour', '0', '--duration', '120']);
    await connected(t, cs, 'RSVP000001');

    const page = await signIn(t, cs);
    await page.getByRole('link', { name: 'Reservations' }).click();
    await page.getByRole('heading', { name: 'Reservations', level: 1 }).waitFor();
    await expectLabelled(page, 'the reservations page');
    await page.getByLabel('Charger', { exact: true }).fill('RSVP000001');
    await page.getByLabel('Connector').fill('1');
    await page.getByLabel('Id tag').fill('NOBODY');
    await page.getByRole('button', { name: 'Reserve', exact: true }).click();
    const tagInput = page.getByLabel('Id tag');
    await t.waitFor(async () => (await tagInput.getAttribute('aria-invalid')) === 'true', 'the id tag marked');
    expectEqual(await page.locator('tr[data-reservation]').count(), 0, 'nothing stored for a bad id tag');

    await tagInput.fill('DRIVER-P');
    await page.getByRole('button', { name: 'Reserve', exact: true }).click();
    const row = page.locator('tr[data-reservation="1"]');
    await t.waitFor(async () => (await row.getAttribute('data-status')) === 'active', 'the reservation active');
    expect((await row.textContent()).includes('DRIVER-P'), 'who holds it is shown');
    await t.waitFor(async () => (await cs.api('GET', 'chargers/RSVP000001')).text.includes('"status":"Reserved"'),
      'the connector Reserved');
    await t.screenshot(page, 'reservations');
    // The charger's view shows the connector Reserved, for whom and until when.
    await page.goto(cs.url('/#/chargers/RSVP000001'));
    const cell = page.locator('tr[data-connector="1"] .cp-status');
    await t.waitFor(async () => (await cell.textContent()).includes('Reserved')
      && (await cell.textContent()).includes('reserved for DRIVER-P until'), 'the connector shown reserved');
    await page.goto(cs.url('/#/reservations'));
    await page.getByRole('heading', { name: 'Reservations', level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Cancel reservation 1' }).click();
    await t.waitFor(async () => (await row.getAttribute('data-status')) === 'cancelled', 'the reservation cancelled');

    await page.getByRole('link', { name: 'Local lists' }).click();
    await page.getByRole('heading', { name: 'Local lists', level: 1 }).waitFor();
    await expectLabelled(page, 'the local-lists page');
    const lrow = page.locator('tr[data-charger="RSVP000001"]');
    await t.waitFor(async () => (await lrow.getAttribute('data-insync')) === 'true', 'the charger in sync');
    await page.getByRole('button', { name: 'Send the whole list to RSVP000001' }).click();
    await t.waitFor(async () => (await lrow.textContent()).includes('Full update'), 'the resync done');
    await t.screenshot(page, 'local-lists');
  },

  async phone(t) {
    const cs = await startCentralSystem(t);
    await createOperationalCharger(cs, 'RSVPHONE01', 'rsvp-password-2', 2);
    const page = await signIn(t, cs, { width: 360, height: 740 });
    for (const [hash, heading] of [['#/reservations', 'Reservations'], ['#/lists', 'Local lists']]) {
      await page.goto(cs.url(`/${hash}`));
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page.waitForTimeout(300);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width <= 360, `${hash} fits 360 px (scroll width ${width})`);
      await t.screenshot(page, `phone-${hash.replace(/[#/]+/g, '')}`);
    }
  },
});
