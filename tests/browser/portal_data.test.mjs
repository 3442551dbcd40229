// The portal's data screens in headless chromium, at desktop and at 360 px: correcting a charger (charge points of a
// planned one, deleting it, taking an operational one out of operation, the audit trail), id tags (paging, search,
// create, block, expire), the CSV import with its dry run and row errors, sessions across chargers with live energy
// and the billing export; and no portal page is wider than a 360 px phone, with the state column on screen.
import { readFileSync } from 'node:fs';
import { suite, expect, expectEqual } from './harness.mjs';
import { startCentralSystem, signIn, createOperationalCharger, expectLabelled } from './portal_support.mjs';

const PHONE = { width: 360, height: 740 };

// The page is no wider than the phone.
async function fitsPhone(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width <= PHONE.width, `${what} fits 360 px (scroll width ${width})`);
}

suite('portal_data', {
  async corrections(t) {
    const cs = await startCentralSystem(t);
    await cs.api('POST', 'chargers', { chargeBoxId: 'FIX0000001', provider: 'acme',
      chargePoints: [{ connectorId: 1, evseId: 'DE*FIX*E1*1', standard: 'IEC_62196_T2', format: 'SOCKET', powerType: 'AC_3_PHASE' }] });
    const page = await signIn(t, cs);
    await page.goto(cs.url('/#/chargers/FIX0000001'));
    await page.getByRole('heading', { name: 'Correct data' }).waitFor();
    await page.getByRole('button', { name: 'Add charge point' }).click();
    const second = page.locator('fieldset[data-point="1"]');
    await second.getByLabel('EVSE ID').fill('bad evse');
    await page.getByRole('button', { name: 'Save charge points' }).click();
    await page.getByText('is not an EVSE ID').first().waitFor();
    expectEqual(await second.getByLabel('EVSE ID').getAttribute('aria-invalid'), 'true', 'the wrong EVSE ID is marked');
    await second.getByLabel('EVSE ID').fill('DE*FIX*E1*2');
    await page.getByRole('button', { name: 'Save charge points' }).click();
    await t.waitFor(async () => (await page.locator('tr[data-connector]').count()) === 2, 'two connectors listed');
    await t.waitFor(async () => (await page.locator('tr[data-audit="edited"]').count()) === 1, 'the edit in the trail');
    expect((await page.locator('tr[data-audit="edited"]').textContent()).includes('DE*FIX*E1*2'), 'new value shown');
    expect((await page.locator('tr[data-audit="edited"]').textContent()).includes('admin'), 'who is shown');
    await expectLabelled(page, 'the correction section');
    await t.screenshot(page, 'corrections-planned');

    // Delete: asked first; Cancel keeps it.
    await page.getByRole('button', { name: 'Delete charger' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expectEqual((await cs.api('GET', 'chargers/FIX0000001')).status, 200, 'still there after Cancel');
    await page.getByRole('button', { name: 'Delete charger' }).click();
    await page.getByRole('button', { name: 'Delete FIX0000001' }).click();
    await page.getByRole('heading', { name: 'Charging infrastructure', level: 1 }).waitFor();
    expectEqual((await cs.api('GET', 'chargers/FIX0000001', undefined, false)).status, 404, 'deleted');

    // An operational charger: out of operation after the confirmation; charge points stay fixed until then.
    await createOperationalCharger(cs, 'FIX0000002', 'fix-password-12', 1);
    await page.goto(cs.url('/#/chargers/FIX0000002'));
    await page.getByText('Charge points are fixed while the charger is in operation.').waitFor();
    await page.getByRole('button', { name: 'Take out of operation' }).first().click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Take out of operation' }).click();
    await page.getByRole('button', { name: 'Delete charger' }).waitFor();
    expectEqual((await cs.api('GET', 'chargers/FIX0000002')).body.status, 'planned', 'out of operation');
    await t.waitFor(async () => (await page.locator('tr[data-audit="decommissioned"]').count()) === 1, 'in the trail');

    const phone = await signIn(t, cs, PHONE);
    await phone.goto(cs.url('/#/chargers/FIX0000002'));
    await phone.getByRole('heading', { name: 'Correct data' }).waitFor();
    await phone.waitForTimeout(300);
    await fitsPhone(phone, 'the details page with the correction section');
    await t.screenshot(phone, 'corrections-phone');
  },

  async idtags(t) {
    const cs = await startCentralSystem(t);
    for (let i = 0; i < 30; i += 1) await cs.api('POST', 'idtags', { idTag: `CARD-${100 + i}` });
    const page = await signIn(t, cs);
    await page.getByRole('link', { name: 'Id tags' }).click();
    await page.getByRole('heading', { name: 'Id tags', level: 1 }).waitFor();
    await page.getByText('1–25 of 30 id tags').waitFor();
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('26–30 of 30 id tags').waitFor();
    await page.getByLabel('Search', { exact: true }).fill('card-12');
    await page.getByText('1–10 of 10 id tags').waitFor();

    // Create with a parent and an expiry; an empty id tag is named by the server's answer.
    await page.getByRole('button', { name: 'Save id tag' }).click();
    await page.getByText('idTag must not be empty').first().waitFor();
    await page.getByLabel('Id tag', { exact: true }).fill('FLEET-CAR-1');
    await page.getByLabel('Parent id tag').fill('FLEET-1');
    await page.getByLabel('Expires').fill('2031-05-01T10:00');
    await page.getByRole('button', { name: 'Save id tag' }).click();
    // The page saves in the background: wait (up to 5 s) for the store to have it before reading it back.
    let saved = await cs.api('GET', 'idtags/FLEET-CAR-1', undefined, false);
    for (let i = 0; i < 50 && saved.status === 404; i += 1) {
      await page.waitForTimeout(100);
      saved = await cs.api('GET', 'idtags/FLEET-CAR-1', undefined, false);
    }
    expectEqual(saved.status, 200, `the saved id tag is stored (${saved.text})`);
    expectEqual(saved.body.parentIdTag, 'FLEET-1', 'parent stored');
    expect(saved.body.expiryDate.startsWith('2031-05-01'), `expiry stored (${saved.body.expiryDate})`);

    await page.getByLabel('Search', { exact: true }).fill('fleet');
    const row = page.locator('tr[data-tag="FLEET-CAR-1"]');
    await row.waitFor();
    await page.getByRole('button', { name: 'Block FLEET-CAR-1' }).click();
    await page.locator('tr[data-tag="FLEET-CAR-1"][data-status="Blocked"]').waitFor();
    await page.getByRole('button', { name: 'Expire FLEET-CAR-1 now' }).click();
    await t.waitFor(async () => Date.parse((await cs.api('GET', 'idtags/FLEET-CAR-1')).body.expiryDate) <= Date.now(),
      'expired now');
    await expectLabelled(page, 'the id-tag page');
    await t.screenshot(page, 'idtags');

    const phone = await signIn(t, cs, PHONE);
    await phone.goto(cs.url('/#/idtags'));
    await phone.getByText('1–25 of 31 id tags').waitFor();
    await fitsPhone(phone, 'the id-tag page');
    await t.screenshot(phone, 'idtags-phone');
  },

  async csv_import(t) {
    const cs = await startCentralSystem(t);
    const page = await signIn(t, cs);
    await page.goto(cs.url('/#/import'));
    await page.getByRole('heading', { name: 'Import chargers (CSV)', level: 1 }).waitFor();
    const bad = 'chargeBoxId,connectorId,evseId\nIMP0000001,1,DE*IMP*E1*1\nIMP0000002,1,not-an-evse\n';
    await page.getByLabel('Or paste the CSV text').fill(bad);
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    await page.locator('tr[data-row="3"]').waitFor();
    expect((await page.locator('tr[data-row="3"]').textContent()).includes('evseId'), 'the column is named');
    expect(await page.getByRole('button', { name: 'Import', exact: true }).isDisabled(), 'no import after a failed check');
    await t.screenshot(page, 'import-errors');
    await page.getByLabel('Or paste the CSV text').fill(bad.replace('not-an-evse', 'DE*IMP*E2*1'));
    await page.getByRole('button', { name: 'Check (dry run)' }).click();
    await page.getByText('2 chargers with 2 charge points would be created').waitFor();
    expectEqual((await cs.api('GET', 'chargers')).body.count, 0, 'a dry run stores nothing');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Imported 2 chargers').first().waitFor();
    expectEqual((await cs.api('GET', 'chargers')).body.count, 2, 'imported');
    await expectLabelled(page, 'the import page');

    const phone = await signIn(t, cs, PHONE);
    await phone.goto(cs.url('/#/import'));
    await phone.getByLabel('Or paste the CSV text').fill(bad);
    await phone.getByRole('button', { name: 'Check (dry run)' }).click();
    await phone.locator('tr[data-row="3"]').waitFor();
    await fitsPhone(phone, 'the import page with its errors');
    await t.screenshot(phone, 'import-phone');
  },

  async sessions(t) {
    const cs = await startCentralSystem(t);
    await createOperationalCharger(cs, 'SES000001', 'ses-password-12', 2);
    await cs.api('POST', 'chargers/SES000001/prices', { currency: 'EUR', perKwh: 0.5, perSession: 1.0,
      validFrom: '2020-01-01T00:00:00Z' });
    await cs.api('POST', 'idtags', { idTag: 'TAG-SES' });
    await t.start('ocpp-simulator', ['run', '--url', cs.wsUrl, '--chargers', '1', '--connectors', '2',
      '--id-prefix', 'SES', '--password', 'ses-password-12', '--sessions-per-hour', '0', '--meter-interval', '1',
      '--power-kw', '22', '--duration', '120']);
    await t.waitFor(async () => (await cs.api('GET', 'chargers/SES000001')).body.connected, 'the charger online',
      { timeoutMs: 20000 });
    await cs.api('POST', 'chargers/SES000001/commands/RemoteStartTransaction', { connectorId: 1, idTag: 'TAG-SES' });

    const page = await signIn(t, cs);
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    const running = page.locator('tr[data-running="true"]');
    await running.waitFor({ timeout: 20000 });
    // A running session's energy so far moves without a reload.
    await t.waitFor(async () => (await running.locator('td.energy').textContent()).match(/[1-9]/), 'live energy',
      { timeoutMs: 20000 });
    await t.screenshot(page, 'sessions-running');

    const open = (await cs.api('GET', 'chargers/SES000001/transactions')).body.transactions.find((x) => !x.stopTimestamp);
    await cs.api('POST', 'chargers/SES000001/commands/RemoteStopTransaction', { transactionId: open.transactionId });
    await page.locator('tr[data-running="false"]').waitFor({ timeout: 20000 });
    await page.getByLabel('Id tag').fill('NOBODY');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No session matches.').waitFor();
    await page.getByLabel('Id tag').fill('TAG-SES');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.locator('tr[data-running="false"]').waitFor();
    expect(!(await page.getByRole('button', { name: 'Older sessions' }).isVisible()), 'no older page offered');

    // The export asks for days first, then downloads CSV with our price.
    await page.getByRole('button', { name: 'Export CSV' }).click();
    await page.getByText('Choose From and To days').waitFor();
    const today = new Date();
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    await page.getByLabel('From (day)').fill(day);
    await page.getByLabel('To (day, inclusive)').fill(day);
    const [download] = await Promise.all([page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.startsWith('transactionId,chargeBoxId'), `a CSV header (${csv.slice(0, 60)})`);
    expect(csv.includes('SES000001,1,') && csv.includes(',EUR'), `the session with its price: ${csv}`);
    const [cdrs] = await Promise.all([page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export OCPI CDRs' }).click()]);
    const cdr = JSON.parse(readFileSync(await cdrs.path(), 'utf8'))[0];
    expectEqual(cdr.cdr_location.evse_id, 'DE*OKT*ESES000001*1', 'the CDR names the EVSE');
    expect(cdr.total_cost.excl_vat >= 1, `the CDR is priced (${cdr.total_cost.excl_vat})`);
    await expectLabelled(page, 'the sessions page');
    await t.screenshot(page, 'sessions');

    const phone = await signIn(t, cs, PHONE);
    await phone.goto(cs.url('/#/sessions'));
    await phone.locator('tr[data-transaction]').first().waitFor();
    await fitsPhone(phone, 'the sessions page');
    await t.screenshot(phone, 'sessions-phone');
  },

  // Every page of the navigation fits 360 px, and the charge point state is on screen in the infrastructure and
  // connector tables (it used to be pushed off to the right).
  async phone_all_pages(t) {
    const cs = await startCentralSystem(t);
    await createOperationalCharger(cs, 'PHONE00002', 'phone-password-2', 2);
    const page = await signIn(t, cs, PHONE);
    const hashes = await page.evaluate(() => [...document.querySelectorAll('nav [data-nav]')].map((a) => a.getAttribute('href')));
    expect(hashes.length >= 10, `the navigation lists the pages (${hashes.join(' ')})`);
    for (const hash of [...hashes, '#/chargers/PHONE00002', '#/chargers/PHONE00002/commission']) {
      await page.goto(cs.url(`/${hash}`));
      await page.locator('main h1').first().waitFor();
      await page.waitForTimeout(400); // the page's first refresh
      await fitsPhone(page, hash);
    }
    for (const [hash, cells] of [['#/chargers', 'tr[data-charger] .badge-status'],
      ['#/chargers/PHONE00002', 'tr[data-connector] .cp-status .badge-status']]) {
      await page.goto(cs.url(`/${hash}`));
      await page.locator(cells).first().waitFor();
      const right = await page.locator(cells).evaluateAll((els) => Math.max(...els.map((e) => e.getBoundingClientRect().right)));
      expect(right <= PHONE.width, `${hash}: the state is on screen (right edge ${right})`);
      await t.screenshot(page, `state-${hash.replace(/[#/]+/g, '-')}`);
    }
  },
});
