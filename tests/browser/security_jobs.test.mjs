// The portal's security jobs page in headless chromium: a bad charger list is refused at its field, a password
// rotation over an offline charger shows the charger's outcome and why, and an upgrade offers only higher profiles.
import { suite, expect, expectEqual } from './harness.mjs';
import { startCentralSystem, signIn, createOperationalCharger, expectLabelled } from './portal_support.mjs';

suite('security_jobs', {
  async jobs(t) {
    const cs = await startCentralSystem(t);
    await createOperationalCharger(cs, 'JOB00001', 'job-password-1', 1);
    const page = await signIn(t, cs);
    await page.getByRole('link', { name: 'Security jobs' }).click();
    await page.getByRole('heading', { name: 'Security jobs', level: 1 }).waitFor();
    await page.getByText('No security job yet.').waitFor();
    await expectLabelled(page, 'the security jobs page');

    // A Chargebox ID that breaks the ID rule: refused, marked at the list, nothing started.
    await page.getByLabel('Chargers', { exact: true }).fill('bad id');
    await page.getByRole('button', { name: 'Start job' }).click();
    await page.locator('[data-field="chargers"] .field-error').waitFor();
    expectEqual(await page.getByLabel('Chargers', { exact: true }).getAttribute('aria-invalid'), 'true',
      'the charger list is marked');
    await t.screenshot(page, 'refused');
    const none = await cs.api('GET', 'security-jobs');
    expectEqual(JSON.parse(none.text).jobs.length, 0, 'jobs after a refused request');

    // A rotation over a charger that is not connected: its outcome says so.
    await page.getByLabel('Chargers', { exact: true }).fill('JOB00001');
    await page.getByRole('button', { name: 'Start job' }).click();
    await page.getByRole('heading', { name: /^Job 1: Password rotation/ }).waitFor();
    const row = page.locator('tr[data-charger="JOB00001"]');
    await t.waitFor(async () => (await row.getAttribute('data-outcome')) === 'offline', 'the offline outcome');
    expect((await row.textContent()).includes('not connected'), 'the reason is shown');
    await t.screenshot(page, 'job-running');

    // An upgrade offers profiles 2 and 3 only: a downgrade cannot even be asked for.
    await page.getByLabel('Job', { exact: true }).selectOption('profileUpgrade');
    const options = await page.getByLabel('Target profile').locator('option').allTextContents();
    expectEqual(options.length, 2, 'target profiles offered');
    expect(options.every((o) => o.startsWith('2') || o.startsWith('3')), `only 2 and 3: ${options}`);
  },
});
