// The portal's operations pages in headless chromium: a firmware file uploaded from the page (its SHA-256 shown), a
// roll-out started from the form over a charger that is not connected (shown offline) and cancelled; the
// diagnostics and DataTransfer pages; every page fits 360 px without sideways scrolling.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { suite, expect, expectEqual } from './harness.mjs';
import { startCentralSystem, signIn, createOperationalCharger, expectLabelled } from './portal_support.mjs';

suite('operations', {
  async rollout(t) {
    const cs = await startCentralSystem(t);
    await createOperationalCharger(cs, 'ROP00001', 'ro-password-1', 1);
    const file = t.tmp('fw-5.0.0.bin');
    writeFileSync(file, 'version=5.0.0\n');
    const sha = createHash('sha256').update('version=5.0.0\n').digest('hex');

    const page = await signIn(t, cs);
    await page.getByRole('link', { name: 'Roll-outs' }).click();
    await page.getByRole('heading', { name: 'Firmware roll-outs', level: 1 }).waitFor();
    await page.getByLabel('File (at most 8 MiB)').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload' }).click();
    const fileRow = page.locator('tr[data-file="1"]');
    await fileRow.waitFor();
    expect((await fileRow.textContent()).includes(sha), 'the SHA-256 is shown');
    await expectLabelled(page, 'the roll-outs page');

    await page.getByLabel('Firmware file id', { exact: true }).fill('1');
    await page.getByLabel('Chargebox IDs').fill('ROP00001');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('heading', { name: /Roll-out 1:/ }).waitFor();
    const row = page.locator('tr[data-charger="ROP00001"]');
    await t.waitFor(async () => (await row.getAttribute('data-status')) === 'offline', 'the offline status');
    await page.getByRole('button', { name: 'Cancel job' }).click();
    await t.waitFor(async () => (await row.getAttribute('data-status')) === 'cancelled', 'the cancelled status');
    await page.getByRole('heading', { name: 'Roll-out 1: cancelled' }).waitFor();
    await t.screenshot(page, 'rollouts');

    // A bad charger list is shown next to the form, nothing is created.
    await page.getByLabel('Firmware file id', { exact: true }).fill('1');
    await page.getByLabel('Chargebox IDs').fill('NOBODY');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByText(/no charger "NOBODY" is known/).first().waitFor();
    const jobs = await cs.api('GET', 'rollouts');
    expectEqual(JSON.parse(jobs.text).rollouts.length, 1, 'one job stored');
  },

  async pages(t) {
    const cs = await startCentralSystem(t);
    await createOperationalCharger(cs, 'OPP00001', 'op-password-1', 1);
    const page = await signIn(t, cs);
    await page.getByRole('link', { name: 'Diagnostics' }).click();
    await page.getByRole('heading', { name: 'Diagnostics', level: 1 }).waitFor();
    await page.getByLabel('Charger', { exact: true }).fill('OPP00001');
    await page.getByRole('button', { name: 'Request' }).click();
    await page.getByText(/not connected/).first().waitFor();
    await expectLabelled(page, 'the diagnostics page');
    await page.getByRole('link', { name: 'DataTransfer' }).click();
    await page.getByRole('heading', { name: 'DataTransfer', level: 1 }).waitFor();
    await page.getByText('No DataTransfer received.').waitFor();
    await expectLabelled(page, 'the DataTransfer page');

    const phone = await signIn(t, cs, { width: 360, height: 740 });
    for (const [hash, heading] of [['#/rollouts', 'Firmware roll-outs'], ['#/diagnostics', 'Diagnostics'],
      ['#/datatransfer', 'DataTransfer']]) {
      await phone.goto(cs.url(`/${hash}`));
      await phone.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await phone.waitForTimeout(300);
      const width = await phone.evaluate(() => document.documentElement.scrollWidth);
      expect(width <= 360, `${hash} fits 360 px (scroll width ${width})`);
      await t.screenshot(phone, `phone-${hash.replace(/[#/]+/g, '')}`);
    }
  },
});
