// The portal's firmware page in headless chromium: an upload signed with a self-made certificate is listed with its
// size, and an update sent to a charger that is not connected shows that charger as offline.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { suite, expect, expectEqual } from './harness.mjs';
import { startCentralSystem, signIn, createOperationalCharger, expectLabelled } from './portal_support.mjs';

suite('firmware', {
  async firmware(t) {
    const cs = await startCentralSystem(t);
    await createOperationalCharger(cs, 'FWP00001', 'fw-password-1', 1);
    const key = t.tmp('signing.key');
    const cert = t.tmp('signing.pem');
    const file = t.tmp('fw.bin');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', key, '-out', cert, '-subj', '/CN=Portal Firmware Signing', '-days', '2'], { stdio: 'ignore' });
    writeFileSync(file, 'version=4.2.0\n');
    const signature = execFileSync('openssl', ['dgst', '-sha256', '-sign', key, file]).toString('base64');
    const query = `name=fw-4.2.0.bin&signingCertificate=${encodeURIComponent(readFileSync(cert, 'utf8'))}`
      + `&signature=${encodeURIComponent(signature)}`;
    await cs.api('POST', `firmware?${query}`, 'version=4.2.0\n');
    await cs.api('POST', 'firmware/1/updates', { chargers: ['FWP00001'] });

    const page = await signIn(t, cs);
    await page.getByRole('link', { name: 'Firmware' }).click();
    await page.getByRole('heading', { name: 'Firmware', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'fw-4.2.0.bin' }).click();
    await page.getByRole('heading', { name: 'fw-4.2.0.bin (14 bytes)' }).waitFor();
    await expectLabelled(page, 'the firmware page');
    const row = page.locator('tr[data-charger="FWP00001"]');
    await t.waitFor(async () => (await row.getAttribute('data-result')) === 'offline', 'the offline result');
    expect((await row.textContent()).includes('not connected'), 'the reason is shown');
    expectEqual(await page.locator('tr[data-firmware]').count(), 1, 'uploads listed');
    await t.screenshot(page, 'firmware');
  },
});
