// The installer page of `ocpp-tester serve` in headless chromium at phone size, with ocpp-simulator as the charger:
// a passing test (checks turn green live, the claiming code appears grouped and spelled out, the reports open), a
// failing one (a wrong password turns HTTP Basic red live with its hint, the test ends failed, "Test again" keeps the
// ID and the password), and a tester with an access code. BROWSER_TEST_DOCS_SCREENSHOT=FILE also saves the README's
// picture of the passed test.
import fs from 'node:fs';

import { suite, http, expect, expectEqual } from './harness.mjs';

const PHONE = { width: 390, height: 844 };
const TOKEN = 'site-token-0123456789';

// A tester with short timings: heartbeat every 2 s, 15 s for a test.
async function startTester(t, extra = []) {
  const port = await t.freePort();
  return t.start('ocpp-tester', ['serve', '--listen', `127.0.0.1:${port}`, '--db', `sqlite:${t.tmp('claims.db')}`,
    '--heartbeat-interval', '2', '--timeout', '15', ...extra], { port });
}

// One simulated charger, SIM000001, pointed at the URL and password the page shows.
function startCharger(t, url, password, name = 'charger') {
  return t.start('ocpp-simulator', ['run', '--url', url, '--chargers', '1', '--connectors', '2', '--id-prefix', 'SIM',
    '--password', password, '--sessions-per-hour', '0', '--duration', '60'], { name });
}

// Starts a test for `id` from the form and returns what the page says to configure.
async function startTest(page, id) {
  await page.getByLabel('Chargebox ID', { exact: true }).fill(id);
  await page.getByRole('button', { name: 'Start test' }).click();
  await page.locator('#test').waitFor({ state: 'visible' });
  return {
    url: await page.locator('#c-url').textContent(),
    password: (await page.locator('#c-pw').getAttribute('data-copy-text')) || '',
  };
}

const verdict = (page, check) => page.locator(`#checks > li[data-check="${check}"]`).getAttribute('data-verdict');

suite('installer', {
  // A well-behaved charger passes: the checks turn green while the test runs, then the code appears.
  async passing(t) {
    const tester = await startTester(t);
    const page = await t.page(PHONE);
    await page.goto(tester.url('/'));
    // Keyboard only: the ID field has the focus on arrival and Enter starts the test.
    await page.getByLabel('Chargebox ID', { exact: true }).waitFor();
    expectEqual(await page.evaluate(() => document.activeElement.id), 'cbid', 'focused field on arrival');
    await page.keyboard.type('SIM000001');
    await page.keyboard.press('Enter');
    await page.locator('#test').waitFor({ state: 'visible' });
    await page.locator('#banner', { hasText: 'Waiting for the charger' }).waitFor();
    const url = await page.locator('#c-url').textContent();
    const password = (await page.locator('#c-pw').getAttribute('data-copy-text')) || '';
    expectEqual(url, `ws://127.0.0.1:${tester.port}/ocpp`, 'central system URL to configure');
    expectEqual(await page.locator('#c-id').textContent(), 'SIM000001', 'Chargebox ID to configure');
    expect(/^[A-Za-z0-9]{16,}$/.test(password), `a password of 16+ characters to configure, got "${password}"`);
    const shownPassword = await page.locator('#c-pw .group').allTextContents();
    expectEqual(shownPassword.join(''), password, 'the password shown in groups of four');
    await t.screenshot(page, 'waiting');

    await startCharger(t, url, password);
    // Green while the test is still running: the first checks pass before the heartbeat check can.
    await page.locator('#checks > li[data-check="boot.payload"][data-verdict="pass"]').waitFor({ timeout: 15000 });
    await page.locator('#claim:not([hidden])').waitFor({ timeout: 25000 });
    const code = (await page.locator('#claim-code').getAttribute('data-code')) || '';
    expect(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z*~$=]{2}$/.test(code), `a claiming code like 7KQF-3M9X-TR, got "${code}"`);
    expectEqual(await page.locator('#claim-code .group').allTextContents(), code.split('-'), 'the code in groups');
    const spelled = await page.locator('#claim-spelled li').allTextContents();
    expectEqual(spelled.length, 3, 'one spelled-out line per group');
    expect(spelled[0].startsWith(code.slice(0, 4) + ' '), `the first line spells the first group: "${spelled[0]}"`);
    await page.locator('#banner', { hasText: 'Passed' }).waitFor();
    const verdicts = await page.locator('#checks > li').evaluateAll((items) => items.map((i) => i.dataset.verdict));
    expect(verdicts.length >= 13 && !verdicts.includes('fail') && !verdicts.includes('pending'),
      `every check decided and none failed: ${verdicts.join(',')}`);
    expect((await page.locator('#facts').textContent()).includes('ocpp-simulator'), "the charger's model is shown");
    // Long check names such as "TriggerMessage(StatusNotification)" wrap instead of widening the page (it was 396 px).
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width <= PHONE.width, `the finished test fits the phone (scroll width ${width})`);

    // The reports behind the buttons: the printable page and the JSON carry the code.
    const report = await http(tester.url(''), 'GET', await page.locator('#r-html').getAttribute('href'));
    expect(report.status === 200 && report.text.includes(code), 'the printable report opens with the code');
    const json = await http(tester.url(''), 'GET', await page.locator('#r-json').getAttribute('href'));
    expectEqual(json.body && json.body.claim.code, code, 'the JSON report has the code');
    await t.screenshot(page, 'passed');
    await page.evaluate(() => window.scrollTo(0, 0));
    await t.screenshot(page, 'passed-screen', { fullPage: false });
    if (process.env.BROWSER_TEST_DOCS_SCREENSHOT) await page.screenshot({ path: process.env.BROWSER_TEST_DOCS_SCREENSHOT });
  },

  // A wrong password: HTTP Basic turns red with its hint while the test goes on, the test ends failed, and
  // "Test again" starts over with the same ID and password.
  async failing(t) {
    const tester = await startTester(t);
    const page = await t.page(PHONE);
    await page.goto(tester.url('/'));
    // A bad ID is refused by the page itself, next to the field, before anything is sent.
    await page.getByLabel('Chargebox ID', { exact: true }).fill('SIM/1');
    await page.getByRole('button', { name: 'Start test' }).click();
    await page.locator('#cbid-error', { hasText: 'letters, digits' }).waitFor();
    expectEqual(await page.getByLabel('Chargebox ID', { exact: true }).getAttribute('aria-invalid'), 'true', 'field marked invalid');

    const { url, password } = await startTest(page, 'SIM000001');
    const charger = await startCharger(t, url, 'not-the-password-0000');
    const auth = page.locator('#checks > li[data-check="auth.basic"][data-verdict="fail"]');
    await auth.waitFor({ timeout: 15000 });
    await page.locator('#banner', { hasText: 'check failed' }).waitFor();
    expect(/password/i.test(await auth.locator('.hint').textContent()), 'the failed check shows its hint');
    expectEqual(await page.locator('#checks > li').first().getAttribute('data-check'), 'auth.basic',
      'the failed check is on top');
    await t.screenshot(page, 'failing');
    await page.locator('#banner.failed').waitFor({ timeout: 25000 });
    expect((await page.locator('#banner-text').textContent()).startsWith('Failed'), 'the test ends failed');
    expect(await page.locator('#claim').isHidden(), 'no claiming code after a failure');
    await t.screenshot(page, 'failed');
    await charger.stop();

    // After the fix, test again: same ID, and the tester expects the password the charger was given.
    await page.getByRole('button', { name: 'Test again' }).click();
    expectEqual(await page.getByLabel('Chargebox ID', { exact: true }).inputValue(), 'SIM000001', 'Test again keeps the ID');
    await page.locator('#again-note:not([hidden])').waitFor();
    const again = await startTest(page, 'SIM000001');
    expectEqual(again.password, password, 'Test again keeps the password');
    await startCharger(t, again.url, password, 'charger-fixed');
    await page.locator('#claim:not([hidden])').waitFor({ timeout: 25000 });
    expectEqual(await verdict(page, 'auth.basic'), 'pass', 'HTTP Basic passes after the fix');
  },

  // With --api-token the page asks for the access code after the first refusal and keeps it on the device; a
  // reload of a running test keeps its password.
  async access_code(t) {
    const tester = await startTester(t, ['--api-token', TOKEN]);
    const page = await t.page(PHONE);
    await page.goto(tester.url('/'));
    expect(await page.locator('#token-field').isHidden(), 'no access code asked before the tester wants one');
    await page.getByLabel('Chargebox ID', { exact: true }).fill('SIM000009');
    await page.getByRole('button', { name: 'Start test' }).click();
    await page.locator('#start-error', { hasText: 'access code' }).waitFor();
    expectEqual(await page.evaluate(() => document.activeElement.id), 'token', 'focus moves to the access code');
    await page.getByLabel('Access code of this tester', { exact: true }).fill('wrong-token-000000000');
    await page.getByRole('button', { name: 'Start test' }).click();
    await page.locator('#start-error', { hasText: 'not accepted' }).waitFor();
    await t.screenshot(page, 'access-code-wrong');
    await page.getByLabel('Access code of this tester', { exact: true }).fill(TOKEN);
    await page.getByRole('button', { name: 'Start test' }).click();
    await page.locator('#test').waitFor({ state: 'visible' });
    expectEqual(await page.locator('#c-id').textContent(), 'SIM000009', 'the test starts with the access code');
    const password = await page.locator('#c-pw').getAttribute('data-copy-text');
    await page.reload();
    await page.locator('#test').waitFor({ state: 'visible' });
    expectEqual(await page.locator('#c-pw').getAttribute('data-copy-text'), password, 'a reload keeps the password');
    await page.getByRole('button', { name: 'New charger' }).click();
    expectEqual(await page.getByLabel('Access code of this tester', { exact: true }).inputValue(), TOKEN, 'access code remembered');
  },

  // Optional profiles ticked on the form: the group of a profile the charger declares runs (ReserveNow and
  // CancelReservation pass), the group of one it does not declare is reported "not supported by this charger".
  async profiles(t) {
    const tester = await startTester(t);
    const model = t.tmp('reservation-only.yaml');
    fs.writeFileSync(model, 'vendor: ocppkit\nmodel: Reservation-Only\nconnectors: 2\n' +
      'profiles: [Core, Reservation, RemoteTrigger]\n');
    const page = await t.page(PHONE);
    await page.goto(tester.url('/'));
    await page.getByLabel('Chargebox ID', { exact: true }).waitFor();
    await page.locator('#p-reservation').check();
    await page.locator('#p-smart-charging').check();
    const { url, password } = await startTest(page, 'SIM000001');
    await t.start('ocpp-simulator', ['run', '--url', url, '--chargers', '1', '--id-prefix', 'SIM', '--password', password,
      '--model', model, '--sessions-per-hour', '0', '--duration', '60']);
    await page.locator('#banner.passed, #banner.failed').waitFor({ timeout: 40000 });
    await t.screenshot(page, 'profiles');
    for (const check of ['reservation.reserve', 'reservation.cancel']) {
      expectEqual(await verdict(page, check), 'pass', `${check} ran and passed`);
    }
    const reserved = await page.locator('#checks > li[data-check="reservation.reserve"] .seen').textContent();
    expect(reserved.includes('Reserved'), `ReserveNow saw the Reserved status: "${reserved}"`);
    const smart = page.locator('#checks > li[data-check^="smart_charging."]');
    const count = await smart.count();
    expect(count >= 1, 'the smart charging group is listed');
    for (let i = 0; i < count; i += 1) {
      expectEqual(await smart.nth(i).getAttribute('data-verdict'), 'skipped', 'an undeclared profile is skipped');
      const seen = await smart.nth(i).locator('.seen').textContent();
      expect(seen.includes('not supported by this charger'), `the skipped check says why: "${seen}"`);
    }
    expect(await page.locator('#checks > li[data-check^="local_list."]').count() === 0, 'an unticked group is not listed');
    expect((await page.locator('#banner-text').textContent()).startsWith('Passed'), 'not supported is not a failure');
  },
});
