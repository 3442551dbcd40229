// The portal's security pages in headless chromium: the operator CA and the security events with their filters
// (a critical event marked as such, a bad time range named at its field), and a charger's certificates section.
import fs from 'node:fs';
import { suite, expect, expectEqual } from './harness.mjs';
import { startCentralSystem, signIn, createOperationalCharger, expectLabelled } from './portal_support.mjs';

// Sends SecurityEventNotifications as charger `id` from the page (a WebSocket in the browser; the charger has no
// password) and waits for each answer.
async function sendEvents(page, url, events) {
  await page.evaluate(async ({ url, events }) => {
    const ws = new WebSocket(url, 'ocpp1.6');
    await new Promise((ok, bad) => { ws.onopen = ok; ws.onerror = () => bad(new Error('no connection')); });
    let n = 0;
    for (const e of events) {
      n += 1;
      const id = `ev-${n}`;
      await new Promise((ok) => {
        const seen = (m) => {
          if (JSON.parse(m.data)[1] === id) { ws.removeEventListener('message', seen); ok(); }
        };
        ws.addEventListener('message', seen);
        ws.send(JSON.stringify([2, id, 'SecurityEventNotification', e]));
      });
    }
    ws.close();
  }, { url, events });
}

const rows = (page) => page.locator('#security-events tr[data-severity]');

suite('security', {
  async security_page(t) {
    fs.writeFileSync(t.tmp('ca.pass'), 'browser test passphrase\n');
    const cs = await startCentralSystem(t, { extra: ['--cpo-name', 'Browser CPO', '--ca-passphrase-file', t.tmp('ca.pass')] });
    await createOperationalCharger(cs, 'SEC0000001', undefined, 1);
    const page = await signIn(t, cs);
    await sendEvents(page, `${cs.wsUrl}/SEC0000001`, [
      { type: 'TamperDetectionActivated', timestamp: '2026-03-01T10:00:00Z', techInfo: 'lid opened' },
      { type: 'InvalidMessages', timestamp: '2026-03-01T11:00:00Z' },
    ]);

    await page.getByRole('link', { name: 'Security', exact: true }).click();
    await page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
    await page.locator('#ca-subject').waitFor();
    expect((await page.locator('#ca-subject').textContent()).includes('O=Browser CPO'), 'the CA subject names the CPO');
    expect((await page.getByLabel('Certificate (PEM)').inputValue()).includes('BEGIN CERTIFICATE'), 'the CA PEM is shown');
    await t.waitFor(async () => (await rows(page).count()) === 2, 'both events listed');
    expectEqual(await page.locator('#security-events tr[data-severity="high"]').count(), 1, 'one critical event');
    expect((await page.locator('#security-events tr[data-severity="high"]').textContent()).includes('lid opened'),
      'the critical row shows its techInfo');
    expect(!(await page.getByRole('button', { name: 'Older events' }).isVisible()), 'no older page to show');
    await t.screenshot(page, 'security-events');
    await expectLabelled(page, 'the security page');

    await page.getByLabel('Critical only').check();
    await page.getByRole('button', { name: 'Filter' }).click();
    await t.waitFor(async () => (await rows(page).count()) === 1, 'only the critical event');
    await page.getByLabel('Critical only').uncheck();
    await page.getByLabel('Type').fill('InvalidMessages');
    await page.getByRole('button', { name: 'Filter' }).click();
    await t.waitFor(async () => (await rows(page).count()) === 1 &&
      (await rows(page).first().textContent()).includes('InvalidMessages'), 'only the type asked for');

    await page.getByLabel('From').fill('2026-03-02T00:00');
    await page.getByLabel('To', { exact: true }).fill('2026-03-01T00:00');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator('[data-field="to"] .field-error').waitFor();
    expect((await page.locator('[data-field="to"] .field-error').textContent()).includes('after from'),
      'a reversed range is named at the To field');
    await t.screenshot(page, 'security-bad-range');

    // The charger's page shows its certificates section (nothing issued yet).
    await page.goto(cs.url('/#/chargers/SEC0000001'));
    await page.getByRole('heading', { name: 'Certificates' }).waitFor();
    await page.getByText('No certificate issued yet.').waitFor();
    await page.getByRole('button', { name: 'Ask for a new certificate' }).waitFor();
    await t.screenshot(page, 'charger-certificates');
  },

  // Without a CA the page says how to make one, and the events still show.
  async security_without_ca(t) {
    const cs = await startCentralSystem(t);
    const page = await signIn(t, cs);
    await page.goto(cs.url('/#/security'));
    await page.getByRole('heading', { name: 'Security', level: 1 }).waitFor();
    await page.getByText('No operator CA is configured').waitFor();
    await page.getByText('No security events match.').waitFor();
  },
});
