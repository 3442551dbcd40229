// The portal's firmware page in headless chromium: an upload signed with a self-made certificate is listed with its
// size, and an update sent to a charger that is not connected shows that charger as offline; the upload form names
// the cap, marks a signature that does not verify and a file above the cap without storing anything, and stores a
// good upload.
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

  async upload_form(t) {
    const cs = await startCentralSystem(t, { extra: ['--firmware-max-size', '1'] });
    const key = t.tmp('signing.key');
    const cert = t.tmp('signing.pem');
    const file = t.tmp('fw-5.0.0.bin');
    const big = t.tmp('big.bin');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', key, '-out', cert, '-subj', '/CN=Portal Firmware Signing', '-days', '2'], { stdio: 'ignore' });
    writeFileSync(file, 'version=5.0.0\n');
    writeFileSync(big, Buffer.alloc(1024 * 1024 + 1, 'x'));
    const other = t.tmp('other.bin');
    writeFileSync(other, 'version=6.6.6\n');
    const sig = (f) => execFileSync('openssl', ['dgst', '-sha256', '-sign', key, f]).toString('base64');

    const page = await signIn(t, cs);
    await page.getByRole('link', { name: 'Firmware' }).click();
    await page.getByRole('heading', { name: 'Upload signed firmware' }).waitFor();
    await t.waitFor(async () => (await page.locator('[data-max-bytes]').textContent()) === '1 MiB', 'the cap shown');
    await expectLabelled(page, 'the firmware upload form');
    const form = page.locator('form[data-form="firmware-upload"]');
    // A signature over other bytes: the server refuses it and the field is marked; nothing is listed.
    await page.getByLabel('Firmware file').setInputFiles(file);
    await page.getByLabel('Signing certificate').setInputFiles(cert);
    await page.getByLabel('Signature').fill(sig(other));
    await form.getByRole('button', { name: 'Upload' }).click();
    await t.waitFor(async () => (await page.getByLabel('Signature').getAttribute('aria-invalid')) === 'true',
      'the signature field marked');
    expect((await form.locator('[data-field="signature"] .field-error').textContent()).includes('does not verify'),
      'the reason is shown at the field');
    // A file above the cap is refused before it is sent: the field is marked and no upload request leaves the page
    // (the server's own 413 would mark the field too).
    const uploads = [];
    const onRequest = (r) => { if (r.method() === 'POST' && r.url().includes('/api/v1/firmware')) uploads.push(r.url()); };
    page.on('request', onRequest);
    await page.getByLabel('Firmware file').setInputFiles(big);
    await page.getByLabel('Signature').fill(sig(big));
    await form.getByRole('button', { name: 'Upload' }).click();
    await t.waitFor(async () => (await page.getByLabel('Firmware file').getAttribute('aria-invalid')) === 'true',
      'the file field marked');
    await page.waitForTimeout(300);
    page.off('request', onRequest);
    expectEqual(uploads.length, 0, 'no upload request sent for the file above the cap');
    expectEqual(JSON.parse((await cs.api('GET', 'firmware')).text).firmware.length, 0, 'nothing stored');
    // The good upload is stored and shown.
    await page.getByLabel('Firmware file').setInputFiles(file);
    await page.getByLabel('Signature').fill(sig(file));
    await form.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('heading', { name: 'fw-5.0.0.bin (14 bytes)' }).waitFor();
    expectEqual(await page.locator('tr[data-firmware]').count(), 1, 'the upload listed');
    await t.screenshot(page, 'firmware-upload');
  },
});
