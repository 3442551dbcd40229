// The portal's Charging profiles page in headless chromium: a template whose stack level load management keeps is
// refused next to that field; a ChargePointMaxProfile template made through the form, applied to a simulated charger
// and to one that is not connected (the outcome shown per charger), listed among the charger's installed profiles
// and seen in its composite schedule (16 A, as the charger rounds it), then cleared again.
import { suite, expect } from './harness.mjs';
import { startCentralSystem, signIn, createOperationalCharger, expectLabelled } from './portal_support.mjs';

suite('profiles', {
  async profiles(t) {
    const cs = await startCentralSystem(t);
    await createOperationalCharger(cs, 'PROF000001', 'prof-password-1', 1);
    const sim = await t.start('ocpp-simulator', ['run', '--url', cs.wsUrl, '--chargers', '1', '--connectors', '1',
      '--id-prefix', 'PROF', '--password', 'prof-password-1', '--sessions-per-hour', '0', '--duration', '120']);
    await t.waitFor(async () => (await cs.api('GET', 'chargers/PROF000001')).body.connected === true, 'the charger is online');

    const page = await signIn(t, cs);
    await page.getByRole('link', { name: 'Charging profiles' }).click();
    await page.getByRole('heading', { name: 'Charging profiles', level: 1 }).waitFor();
    await expectLabelled(page, 'the charging profiles page');
    // Load management's own stack level: refused, named at the field.
    await page.getByLabel('Template name', { exact: true }).fill('Default 0');
    await page.getByLabel('Purpose', { exact: true }).selectOption('TxDefaultProfile');
    await page.getByLabel('Stack level', { exact: true }).fill('0');
    await page.getByRole('button', { name: 'Create template' }).click();
    await page.locator('[data-field="profile/stackLevel"] .field-error:not([hidden])').waitFor();
    const error = await page.locator('[data-field="profile/stackLevel"] .field-error').textContent();
    expect(error.includes('reserved'), `the reason is shown: ${error}`);
    expect((await cs.api('GET', 'profile-templates')).body.templates.length === 0, 'nothing stored');

    await page.getByLabel('Template name', { exact: true }).fill('Max 16');
    await page.getByLabel('Purpose', { exact: true }).selectOption('ChargePointMaxProfile');
    await page.getByLabel('Stack level', { exact: true }).fill('1');
    await page.getByLabel('Periods', { exact: true }).fill('0=16');
    await page.getByRole('button', { name: 'Create template' }).click();
    await page.locator('tr[data-template]').first().waitFor();
    expect((await page.locator('tr[data-template]').textContent()).includes('Max 16'), 'the template is listed');

    await page.getByLabel('Chargers to change', { exact: true }).fill('PROF000001\nPROFNOBODY');
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    await page.locator('tr[data-result="PROF000001"][data-status="Accepted"]').waitFor();
    await page.locator('tr[data-result="PROFNOBODY"][data-status="not connected"]').waitFor();

    await page.getByLabel('Charger', { exact: true }).fill('PROF000001');
    await page.getByRole('button', { name: 'Show profiles' }).click();
    await page.locator('[data-installed] tr[data-profile]').first().waitFor();
    const installed = await page.locator('[data-installed]').textContent();
    expect(installed.includes('ChargePointMaxProfile') && installed.includes('template Max 16'), installed);
    await t.waitFor(async () => /(15\.[89]|16) A$/.test(await page.locator('[data-composite]').textContent()),
      'the composite schedule shows the 16 A cap');
    await t.screenshot(page, 'profiles');

    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await page.locator('tr[data-result="PROF000001"][data-status="Accepted"]').waitFor();
    const left = (await cs.api('GET', 'chargers/PROF000001/profiles')).body;
    expect(left.profiles.length === 0, `cleared: ${JSON.stringify(left)}`);
    await sim.stop(2000);
  },
});
