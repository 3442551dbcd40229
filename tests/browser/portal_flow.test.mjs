// The operator's flow in the portal, in headless chromium against the real programs: create a charger with the
// wizard (by hand and from a claiming code the real ocpp-tester issued), put it into operation on the map, watch
// it on the charger map, and work with its details page (live connectors, remote commands, accept any password).
import http from 'node:http';
import { suite, expect, expectEqual } from './harness.mjs';
import { startCentralSystem, signIn, createOperationalCharger, expectLabelled } from './portal_support.mjs';

async function next(page) {
  await page.getByRole('button', { name: 'Next' }).click();
}

// Runs ocpp-tester check with the simulator as the charger on `db`; resolves the claiming code it printed.
async function claimingCode(t, db, id, password) {
  const port = await t.freePort();
  const tester = t.start('ocpp-tester', ['check', '--listen', `127.0.0.1:${port}`, '--chargebox-id', id, '--password',
    password, '--heartbeat-interval', '2', '--timeout', '30', '--db', `sqlite:${db}`, '--report', t.tmp('report.json')]);
  const proc = await tester;
  await t.waitFor(() => proc.log().includes('Waiting'), 'the tester to listen');
  const sim = await t.start('ocpp-simulator', ['run', '--url', `ws://127.0.0.1:${port}/ocpp`, '--chargers', '1',
    '--connectors', '2', '--id-prefix', id.replace(/0*1$/, ''), '--password', password, '--sessions-per-hour', '0',
    '--duration', '40'], { name: 'simulator-for-tester' });
  const code = await Promise.race([proc.exited, new Promise((r) => setTimeout(() => r('timeout'), 40000))]);
  await sim.stop();
  expectEqual(code, 0, `ocpp-tester check passed:\n${proc.log()}`);
  const m = /Claiming code:\s+([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})/.exec(proc.log());
  expect(m, `a claiming code in the tester's output:\n${proc.log()}`);
  return m[1];
}

suite('portal_flow', {
  // By hand: client-side checks, a server refusal sent back to the step it concerns, the summary, then details.
  async wizard_manual(t) {
    const cs = await startCentralSystem(t);
    const page = await signIn(t, cs);
    await page.getByRole('link', { name: 'Create charging station' }).first().click();
    await page.getByText('No: I choose the Chargebox ID and password').click();
    await next(page);
    await page.getByText('The Chargebox ID takes 1 to 48').first().waitFor();
    await page.getByLabel('Chargebox ID', { exact: true }).fill('MANUAL-0001');
    await page.getByRole('button', { name: 'Generate a password' }).click();
    expect((await page.getByLabel('HTTP Basic password', { exact: true }).inputValue()).length === 20, 'a generated 20-character password');
    await page.getByLabel('Provider', { exact: true }).fill('acme');
    await t.screenshot(page, 'wizard-identity');
    await expectLabelled(page, "the wizard's identity step");
    await next(page);
    await page.getByLabel('Vendor', { exact: true }).fill('KEBA');
    await page.getByLabel('Model', { exact: true }).fill('P30');
    await page.getByLabel('Number of charge points', { exact: true }).fill('2');
    await t.screenshot(page, 'wizard-hardware');
    await expectLabelled(page, "the wizard's hardware step");
    await next(page);
    await page.getByLabel('EVSE ID', { exact: true }).fill('DE*OKT*E0001*1');
    await page.getByLabel('Connector type', { exact: true }).selectOption('IEC_62196_T2');
    await page.getByLabel('Charging mode', { exact: true }).selectOption('AC_3_PHASE');
    await t.screenshot(page, 'wizard-charge-point-1');
    await expectLabelled(page, "a charge point step");
    await next(page);
    await page.getByLabel('EVSE ID', { exact: true }).fill('DE*OKT*E0001*1'); // the same twice: the server refuses it
    await page.getByLabel('Format', { exact: true }).selectOption('CABLE');
    await next(page);
    await page.getByRole('heading', { name: 'Summary', exact: true }).waitFor();
    expectEqual(await page.getByText('(cannot be changed later)').count(), 3, 'ID and both EVSE IDs marked as fixed');
    await t.screenshot(page, 'wizard-summary');
    await page.emulateMedia({ media: 'print' });
    await t.screenshot(page, 'wizard-summary-print');
    expect(!(await page.getByRole('navigation', { name: 'Main' }).isVisible()), 'the printout leaves out navigation');
    await page.emulateMedia({ media: 'screen' });
    await page.getByRole('button', { name: 'Create charging station' }).click();
    await page.getByText('is twice').first().waitFor();
    expect((await page.getByRole('heading', { level: 1 }).textContent()).includes('Charge point 2'),
      'the refusal leads back to the charge point it concerns');
    expectEqual(await page.getByLabel('EVSE ID', { exact: true }).getAttribute('aria-invalid'), 'true', 'the EVSE ID marked invalid');
    expectEqual((await cs.api('GET', 'chargers/MANUAL-0001', undefined, false)).status, 404, 'nothing created yet');
    await page.getByLabel('EVSE ID', { exact: true }).fill('DE*OKT*E0001*2');
    await next(page);
    await page.getByRole('button', { name: 'Create charging station' }).click();
    await page.getByText('MANUAL-0001 was created').waitFor();
    await t.screenshot(page, 'wizard-created');
    await page.getByRole('link', { name: 'Go to details' }).click();
    await page.getByRole('heading', { name: 'MANUAL-0001', level: 1 }).waitFor();
    const stored = (await cs.api('GET', 'chargers/MANUAL-0001')).body;
    expectEqual([stored.status, stored.vendor, stored.model, stored.provider, stored.hasPassword],
      ['planned', 'KEBA', 'P30', 'acme', true], 'the stored charger');
    expectEqual(stored.chargePoints.map((p) => [p.evseId, p.format]), [['DE*OKT*E0001*1', 'SOCKET'],
      ['DE*OKT*E0001*2', 'CABLE']], 'the stored charge points');
    await t.screenshot(page, 'details-planned');
  },

  // From a claiming code the real tester issued: a wrong code is refused at its field, the right one creates it.
  async wizard_claim(t) {
    const db = t.tmp('shared.db');
    const cs = await startCentralSystem(t, { db });
    const code = await claimingCode(t, db, 'CLAIM000001', 'claim-password-42');
    const page = await signIn(t, cs);
    await page.goto(cs.url('/#/chargers/new'));
    // The code is checked as soon as it is typed: a wrong one stops the first step.
    const field = page.getByLabel('Claiming code', { exact: true });
    await field.fill('0000-0000-00');
    await t.waitFor(async () => (await page.locator('[data-claim-status]').textContent()).includes('claiming code'),
      'the code checked as typed');
    await next(page);
    await t.waitFor(async () => (await field.getAttribute('aria-invalid')) === 'true', 'the code marked invalid');
    await t.screenshot(page, 'wizard-claim-refused');
    // A good code fills in what the tester saw: the ID, vendor, model and its 2 connectors.
    await field.fill(code);
    await page.locator('[data-claim-status]').getByText('CLAIM000001').waitFor();
    await next(page);
    expectEqual(await page.getByLabel('Vendor', { exact: true }).inputValue(), 'ocppkit', 'vendor from the claim');
    expectEqual(await page.getByLabel('Model', { exact: true }).inputValue(), 'ocpp-simulator', 'model from the claim');
    expectEqual(await page.getByLabel('Number of charge points', { exact: true }).inputValue(), '2',
      'the tester\'s connector count');
    await next(page);
    await page.getByLabel('EVSE ID', { exact: true }).fill('DE*OKT*ECLAIM1*1');
    await next(page);
    await page.getByLabel('EVSE ID', { exact: true }).fill('DE*OKT*ECLAIM1*2');
    await next(page);
    await page.locator('.summary').getByText('CLAIM000001').first().waitFor();
    expectEqual(await page.locator('.summary svg[data-qr]').count(), 2, 'a QR code per EVSE ID');
    await page.getByRole('button', { name: 'Create charging station' }).click();
    await page.getByText('CLAIM000001 was created').waitFor();
    await t.screenshot(page, 'wizard-claim-created');
    await page.getByRole('link', { name: 'Go to details' }).click();
    await page.getByRole('heading', { name: 'CLAIM000001', level: 1 }).waitFor();
    await page.getByText(code, { exact: true }).waitFor(); // a notification may name the code too
    const stored = (await cs.api('GET', 'chargers/CLAIM000001')).body;
    expectEqual([stored.vendor, stored.model, stored.hasPassword, stored.claimCode],
      ['ocppkit', 'ocpp-simulator', true, code], 'hardware and password from the claim');
    // The notification bell tells about the redeemed claim.
    await t.waitFor(async () => (await page.locator('#notif-count').isVisible()), 'an unread notification');
    await page.getByRole('button', { name: /Notifications/ }).click();
    await page.getByText(`claiming code ${code} was redeemed`).waitFor();
    await t.screenshot(page, 'notifications');
  },

  // Put into operation on the map (drag the marker), then the charger map clusters and opens details.
  async commission_and_map(t) {
    const cs = await startCentralSystem(t);
    await cs.api('POST', 'chargers', { chargeBoxId: 'PLAN-1', password: 'plan-password-1', chargePoints: [
      { connectorId: 1, evseId: 'DE*OKT*EPLAN1*1', standard: 'IEC_62196_T2', format: 'SOCKET', powerType: 'AC_3_PHASE',
        maxPowerKw: 22 }] });
    const page = await signIn(t, cs);
    await page.goto(cs.url('/#/chargers/PLAN-1'));
    await page.getByRole('link', { name: 'Put into operation' }).click();
    await page.getByRole('heading', { name: 'Put PLAN-1 into operation' }).waitFor();
    expectEqual(await page.getByLabel('Maximum power (kW)', { exact: true }).inputValue(), '22', 'power pre-filled');
    expectEqual(await page.getByLabel('Phases', { exact: true }).inputValue(), '3', 'phases from AC three phase');
    expectEqual(await page.getByLabel('Maximum current (A)', { exact: true }).inputValue(), '32', 'current from power and phases');
    await page.getByRole('button', { name: 'Put into operation' }).click();
    await page.getByText('Street and number is required').first().waitFor();
    await page.getByLabel('Street and number', { exact: true }).fill('Friedrichstraße 100');
    await page.getByLabel('Postal code', { exact: true }).fill('10117');
    await page.getByLabel('City', { exact: true }).fill('Berlin');
    await page.getByLabel('Hotline', { exact: true }).fill('+49 30 555555');
    await page.getByLabel('Accessibility', { exact: true }).selectOption('Public');
    const before = await page.getByLabel('Latitude', { exact: true }).inputValue();
    const marker = page.locator('.drag-marker');
    const box = await marker.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height - 4);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height + 50, { steps: 8 });
    await page.mouse.up();
    const after = await page.getByLabel('Latitude', { exact: true }).inputValue();
    expect(Number(after) < Number(before), `dragging the marker down moves it south (${before} -> ${after})`);
    await marker.focus();
    await page.keyboard.press('ArrowUp');
    const north = await page.getByLabel('Latitude', { exact: true }).inputValue();
    expect(Number(north) > Number(after), `ArrowUp on the marker moves it north (${after} -> ${north})`);
    await page.keyboard.press('ArrowDown');
    expectEqual(await page.getByLabel('Latitude', { exact: true }).inputValue(), after, 'ArrowDown moves it back');
    await t.screenshot(page, 'commission-form');
    await expectLabelled(page, "the commission form");
    await page.getByRole('button', { name: 'Put into operation' }).click();
    await page.getByRole('heading', { name: 'PLAN-1', level: 1 }).waitFor();
    await page.getByText('Friedrichstraße 100, 10117 Berlin, DE').waitFor();
    const stored = (await cs.api('GET', 'chargers/PLAN-1')).body;
    expectEqual(stored.status, 'operational', 'status after commissioning');
    expect(Math.abs(stored.location.latitude - Number(after)) < 1e-5, 'the dragged position is stored');
    expectEqual(stored.chargePoints[0].maxCurrentA, 32, 'current stored');

    for (const [id, lat, lon] of [['NEAR-1', 52.5201, 13.4051], ['NEAR-2', 52.5205, 13.4049], ['FAR-1', 48.137, 11.575]]) {
      await createOperationalCharger(cs, id, 'map-password-1', 1);
      await cs.api('POST', `chargers/${id}/commission`, { address: { street: 'x 1', postalCode: '1', city: 'y',
        country: 'DE' }, location: { latitude: lat, longitude: lon }, hotline: '1' });
    }
    // The search at the top right finds a charger by its street; the filters narrow the list further.
    await page.getByRole('searchbox', { name: 'Search chargers' }).fill('friedrich');
    await page.keyboard.press('Enter');
    await page.getByText('1 of 1 charger, 1 charge point').waitFor();
    await page.locator('tr[data-charger="PLAN-1"]').waitFor();
    await page.getByRole('searchbox', { name: 'Search', exact: true }).fill('');
    await page.getByText('4 of 4 chargers, 4 charge points').waitFor();
    await page.getByLabel('Connection', { exact: true }).selectOption('online');
    await page.getByText('No charger matches these filters.').waitFor();
    await t.screenshot(page, 'infrastructure-filtered');
    await expectLabelled(page, "the infrastructure list");
    await page.getByRole('link', { name: 'Map' }).click();
    await page.getByText('4 of 4 chargers have a position').waitFor();
    await page.locator('#charger-map .marker').first().waitFor();
    const clusters = page.locator('#charger-map .cluster');
    await t.waitFor(async () => (await clusters.count()) >= 1, 'a cluster at the zoom that shows Berlin and Munich');
    await t.screenshot(page, 'map-clustered');
    const cluster = clusters.filter({ has: page.locator('text') }).first();
    const n = Number(await cluster.getAttribute('data-count'));
    expect(n >= 2, `the Berlin chargers are one cluster (${n})`);
    for (let i = 0; i < 8 && (await page.locator('#charger-map [data-id="NEAR-2"]').count()) === 0; i += 1) {
      await page.locator('#charger-map .cluster').first().click();
    }
    await page.locator('#charger-map [data-id="NEAR-2"]').waitFor();
    await t.screenshot(page, 'map-zoomed-in');
    await expectLabelled(page, "the map");
    await page.locator('#charger-map [data-id="NEAR-1"]').focus();
    await page.keyboard.press('Enter'); // markers are buttons for the keyboard too
    await page.locator('#map-details').getByRole('heading', { name: 'NEAR-1' }).waitFor();
    await page.locator('#charger-map [data-id="NEAR-2"]').click();
    await page.locator('#map-details').getByRole('heading', { name: 'NEAR-2' }).waitFor();
    await page.locator('#map-details').getByRole('link', { name: 'Go to details' }).click();
    await page.getByRole('heading', { name: 'NEAR-2', level: 1 }).waitFor();
  },

  // With --map-tile-url the map draws tiles from that server (here a local one that counts what it is asked for).
  async map_tiles(t) {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    const asked = [];
    const tiles = http.createServer((req, res) => {
      asked.push(req.url);
      res.writeHead(200, { 'Content-Type': 'image/png' });
      res.end(png);
    });
    await new Promise((r) => tiles.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${tiles.address().port}/tiles/{z}/{x}/{y}.png`;
      const cs = await startCentralSystem(t, { extra: ['--map-tile-url', url] });
      await createOperationalCharger(cs, 'TILE-1', 'tile-password-1', 1);
      const page = await signIn(t, cs);
      await page.getByRole('link', { name: 'Map' }).click();
      await page.locator('#charger-map [data-id="TILE-1"]').waitFor();
      await t.waitFor(() => asked.length > 0, 'tile requests');
      const zoom = await page.locator('#charger-map').getAttribute('data-zoom');
      expect(asked.every((u) => /^\/tiles\/\d+\/\d+\/\d+\.png$/.test(u)), `tile URLs filled in: ${asked.slice(0, 3)}`);
      // The map may ask for the tiles of its first zoom before it settles on the charger's: wait for the latter.
      await t.waitFor(() => asked.some((u) => u.startsWith(`/tiles/${zoom}/`)), `tiles of the shown zoom ${zoom}`);
      await page.getByText('Map tiles: configured tile server').waitFor();
    } finally {
      tiles.close();
    }
  },

  // Details: live connector status, the reported configuration, a remote command and its answer, and the
  // accept-any-password switch working with a charger that comes with a new password.
  async details(t) {
    const cs = await startCentralSystem(t);
    await createOperationalCharger(cs, 'DET000001', 'det-password-01', 2);
    await cs.api('POST', 'idtags', { idTag: 'TAG-DET', status: 'Accepted' });
    const page = await signIn(t, cs);
    await page.goto(cs.url('/#/chargers/DET000001'));
    await page.getByRole('heading', { name: 'DET000001', level: 1 }).waitFor();
    // The command box offers every central-system action of OCPP 1.6, each as a form made from its schema.
    await t.waitFor(async () => (await page.locator('#cmd-action option').count()) === 19, 'the 19 actions offered');
    await page.getByLabel('Command', { exact: true }).selectOption('SetChargingProfile');
    await page.locator('fieldset[data-path="SetChargingProfile/csChargingProfiles/chargingSchedule"]').waitFor();
    await page.getByLabel('Command', { exact: true }).selectOption('RemoteStopTransaction');
    await page.getByRole('button', { name: 'Send command' }).click();
    await page.locator('#cmd-answer').getByText('Not sent: RemoteStopTransaction/transactionId is required.').waitFor();
    expectEqual(await page.getByLabel('Transaction Id', { exact: true }).getAttribute('aria-invalid'), 'true',
      'the missing field marked');
    await page.getByLabel('Command', { exact: true }).selectOption('RemoteStartTransaction');
    await page.getByRole('button', { name: 'Send command' }).click();
    await page.locator('#cmd-answer').getByText('the charger is not connected').waitFor();
    // Prices: a wrong currency is named at its field; a session fee of 2.50 EUR is added.
    const prices = page.getByRole('form', { name: 'New price set' });
    await prices.getByLabel('Currency', { exact: true }).fill('EU1');
    await prices.getByLabel('Per session', { exact: true }).fill('2.5');
    await prices.getByRole('button', { name: 'Add price set' }).click();
    await t.waitFor(async () => (await prices.getByLabel('Currency', { exact: true }).getAttribute('aria-invalid')) === 'true',
      'the currency marked invalid');
    await prices.getByLabel('Currency', { exact: true }).fill('EUR');
    await prices.getByRole('button', { name: 'Add price set' }).click();
    await page.locator('tr[data-price-set]').getByText('2.50 EUR').waitFor();
    const simArgs = (pw) => ['run', '--url', cs.wsUrl, '--chargers', '1', '--connectors', '2', '--id-prefix', 'DET',
      '--password', pw, '--sessions-per-hour', '0', '--meter-interval', '1', '--duration', '120'];
    let sim = await t.start('ocpp-simulator', simArgs('det-password-01'));
    await page.locator('#connection').getByText('Online').waitFor({ timeout: 20000 });
    const row1 = page.locator('tr[data-connector="1"] .cp-status');
    await row1.getByText('Available').waitFor({ timeout: 15000 });
    await page.getByRole('rowheader', { name: 'HeartbeatInterval', exact: true }).waitFor({ timeout: 15000 });
    await page.getByRole('link', { name: 'Edit operation data' }).click();
    await page.getByText('The charger reported: ocppkit ocpp-simulator, serial DET000001').waitFor();
    await page.getByText('It reports 2 connectors.').waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'DET000001', level: 1 }).waitFor();
    await row1.getByText('Available').waitFor({ timeout: 15000 });
    await page.getByLabel('Command', { exact: true }).selectOption('RemoteStartTransaction');
    await page.getByLabel('Connector Id (optional)', { exact: true }).fill('1');
    await page.getByLabel('Id Tag', { exact: true }).fill('TAG-DET');
    await page.getByRole('button', { name: 'Send command' }).click();
    await page.locator('#cmd-answer').getByText('"Accepted"').waitFor();
    await row1.getByText('Charging').waitFor({ timeout: 15000 });
    await page.locator('tr[data-transaction]').getByText('charging').waitFor();
    await t.screenshot(page, 'details-charging');
    await expectLabelled(page, "the details page");
    const txId = await page.locator('tr[data-transaction]').first().getAttribute('data-transaction');
    await new Promise((r) => setTimeout(r, 2000)); // some energy
    await page.getByLabel('Command', { exact: true }).selectOption('RemoteStopTransaction');
    await page.getByLabel('Transaction Id', { exact: true }).fill(String(txId));
    await page.getByRole('button', { name: 'Send command' }).click();
    await page.locator('#cmd-answer').getByText('RemoteStopTransaction answered').waitFor();
    const session = page.locator(`tr[data-transaction="${txId}"]`);
    await session.getByText(/^2\.5\d EUR$/).waitFor({ timeout: 15000 });
    await t.screenshot(page, 'details-session-revenue');
    // A raw payload still goes through "Edit as JSON"; the server's 422 names the field.
    await page.getByLabel('Edit as JSON').check();
    await page.getByLabel('Payload (JSON)', { exact: true }).fill('{"connectorId": "one"}');
    await page.getByRole('button', { name: 'Send command' }).click();
    await page.locator('#cmd-answer').getByText('Error 422').waitFor();

    await page.getByRole('switch', { name: 'Accept any password' }).check();
    await page.getByText('On: the next connection sets the password').waitFor();
    expectEqual((await cs.api('GET', 'chargers/DET000001')).body.acceptAnyPassword, true, 'switch stored');
    await sim.stop();
    await page.locator('#connection').getByText('Offline').waitFor({ timeout: 15000 });
    sim = await t.start('ocpp-simulator', simArgs('a-brand-new-password'), { name: 'simulator-new-password' });
    await page.locator('#connection').getByText('Online').waitFor({ timeout: 20000 });
    await page.getByText('Off', { exact: true }).waitFor({ timeout: 10000 });
    expectEqual(await page.getByRole('switch', { name: 'Accept any password' }).isChecked(), false, 'switch turned off');
    await t.screenshot(page, 'details-password-captured');
    await sim.stop();
  },
});
