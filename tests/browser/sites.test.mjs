// The portal's Sites page in headless chromium: a site made through the form, then one whose simulated chargers
// charge: its sessions listed with their shared limits, the live chart of power against the limit drawn and
// refreshed, each charger's fail-safe profile installed; and at phone width (360 px) nothing scrolls sideways.
import { suite, expect } from './harness.mjs';
import { startCentralSystem, signIn, createOperationalCharger, expectLabelled } from './portal_support.mjs';

suite('sites', {
  async sites(t) {
    const cs = await startCentralSystem(t);
    await createOperationalCharger(cs, 'SITEP000001', 'site-password-1', 1);
    await createOperationalCharger(cs, 'SITEP000002', 'site-password-1', 1);
    await cs.api('POST', 'idtags', { idTag: 'SIM-TAG-1', status: 'Accepted' });

    const page = await signIn(t, cs);
    await page.getByRole('link', { name: 'Sites' }).click();
    await page.getByRole('heading', { name: 'Sites', level: 1 }).waitFor();
    await expectLabelled(page, 'the sites page');
    // A bad limit is named next to its field; nothing is stored.
    await page.getByLabel('Name', { exact: true }).fill('Depot');
    await page.getByLabel('Grid limit', { exact: true }).fill('-4');
    await page.getByLabel('Chargers', { exact: true }).fill('SITEP000001\nSITEP000002');
    await page.getByRole('button', { name: 'Create site' }).click();
    await page.locator('[data-field="limit"] .field-error:not([hidden])').waitFor();
    await page.getByLabel('Grid limit', { exact: true }).fill('40');
    await page.getByRole('button', { name: 'Create site' }).click();
    await page.getByRole('heading', { name: 'Depot', level: 2, exact: true }).waitFor();

    const sim = await t.start('ocpp-simulator', ['run', '--url', cs.wsUrl, '--chargers', '2', '--connectors', '1',
      '--id-prefix', 'SITEP', '--password', 'site-password-1', '--sessions-per-hour', '3600', '--session-minutes',
      '5,5,5', '--meter-interval', '1', '--power-kw', '22', '--duration', '120']);
    const rows = page.locator('tr[data-transaction]');
    await t.waitFor(async () => (await rows.count()) === 2, 'two sessions listed');
    await t.waitFor(async () => (await page.locator('tr[data-state="ok"]').count()) === 2, 'both limits accepted');
    const text = await page.locator('[data-sessions]').textContent();
    expect(text.includes('20 A'), `the 40 A are shared: ${text}`);
    await t.waitFor(async () => (await page.locator('svg.site-chart path[data-series="power"]').count()) === 1,
      'the power line is drawn');
    const label1 = await page.locator('svg.site-chart').getAttribute('aria-label');
    await page.waitForTimeout(2500);
    const d = await page.locator('svg.site-chart path[data-series="power"]').getAttribute('d');
    expect(d.split('L').length >= 2, `the chart grows with the refreshes (${label1})`);
    for (const id of ['SITEP000001', 'SITEP000002']) {
      await t.waitFor(async () => (await page.locator(`tr[data-charger="${id}"]`).textContent()).includes('installed'),
        `the fail-safe profile of ${id}`);
    }
    await t.screenshot(page, 'site');

    const phone = await signIn(t, cs, { width: 360, height: 740 });
    for (const hash of ['#/sites', '#/sites?site=1']) {
      await phone.goto(cs.url(`/${hash}`));
      await phone.getByRole('heading', { name: 'Sites', level: 1 }).waitFor();
      await phone.waitForTimeout(500);
      const width = await phone.evaluate(() => document.documentElement.scrollWidth);
      expect(width <= 360, `${hash} fits 360 px (scroll width ${width})`);
      await t.screenshot(phone, `phone-${hash.replace(/[#/?=]+/g, '-').replace(/^-|-$/g, '')}`);
    }
    await sim.stop(2000);
  },
});
