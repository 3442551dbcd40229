// The central system's web portal in headless chromium: the shell (serving, sign-in, navigation, phone width) and
// the dashboard moving live with a simulated charger's session.
import { suite, http, expect, expectEqual } from './harness.mjs';
import { startCentralSystem, signIn, createOperationalCharger, tile, stat, expectLabelled, TOKEN } from './portal_support.mjs';

suite('portal', {
  // The portal is served from the binary with content types and validators; sign-in refuses a wrong token.
  async shell(t) {
    const cs = await startCentralSystem(t);
    const index = await http(cs.url(''), 'GET', '/');
    expectEqual(index.status, 200, 'GET / status');
    expect(index.headers.get('content-type').startsWith('text/html'), 'index is text/html');
    expect(index.headers.get('cache-control') === 'no-cache', 'index is revalidated (Cache-Control: no-cache)');
    const etag = index.headers.get('etag');
    expect(etag, 'index has an ETag');
    const again = await http(cs.url(''), 'GET', '/', undefined, { 'If-None-Match': etag });
    expectEqual(again.status, 304, 'GET / with a matching If-None-Match');
    const js = await http(cs.url(''), 'GET', '/app.js');
    expect(js.headers.get('content-type').startsWith('text/javascript'), 'app.js is text/javascript');
    const css = await http(cs.url(''), 'GET', '/app.css');
    expect(css.headers.get('content-type').startsWith('text/css'), 'app.css is text/css');
    expectEqual((await http(cs.url(''), 'GET', '/nothing-here.js')).status, 404, 'unknown file');
    expectEqual((await http(cs.url(''), 'POST', '/', '{}')).status, 405, 'POST to a page');
    expectEqual((await http(cs.url(''), 'GET', '/api/v1/dashboard')).status, 401, 'the API still needs the token');

    const page = await t.page();
    // Loading the portal makes no request only to be refused (it used to probe the API: a 401 in the console).
    const refused = [];
    page.on('response', (r) => { if (r.status() === 401) refused.push(r.url()); });
    await page.goto(cs.url('/'));
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expectEqual(refused.join(' '), '', 'requests refused with 401 while the sign-in page loaded');
    await page.getByLabel('API token').fill('wrong-token-0000000000');
    await page.keyboard.press('Enter');
    await page.getByText('This token is not accepted').waitFor();
    await t.screenshot(page, 'sign-in-refused');
    await expectLabelled(page, 'the sign-in page');
    await page.getByLabel('API token').fill(TOKEN);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    expectEqual(await page.evaluate(() => sessionStorage.getItem('ocppkit.token')), TOKEN, 'token kept in sessionStorage');
    await t.waitFor(async () => (await tile(page, 'available')) === '0', 'the tiles to load');
    await page.getByRole('link', { name: 'Charging infrastructure' }).click();
    await page.getByRole('heading', { name: 'Charging infrastructure' }).waitFor();
    await page.getByText('No chargers yet').waitFor();
    await t.screenshot(page, 'infrastructure-empty');
    // Reload keeps the session; sign out forgets the token.
    await page.reload();
    await page.getByRole('heading', { name: 'Charging infrastructure' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expectEqual(await page.evaluate(() => sessionStorage.getItem('ocppkit.token')), null, 'token forgotten');

    // Phone width: the navigation folds behind the menu button and opens with it.
    const phone = await signIn(t, cs, { width: 390, height: 844 });
    expect(!(await phone.getByRole('link', { name: 'Charging infrastructure' }).isVisible()), 'navigation folded');
    await phone.getByRole('button', { name: 'Menu' }).click();
    await phone.getByRole('link', { name: 'Charging infrastructure' }).waitFor();
    await t.screenshot(phone, 'phone-menu');
    await phone.keyboard.press('Escape');
    await t.screenshot(phone, 'phone-dashboard');
  },

  // A lab central system without --api-token: the portal opens without sign-in.
  async lab_without_token(t) {
    const cs = await startCentralSystem(t, { token: false });
    const page = await t.page();
    await page.goto(cs.url('/'));
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await t.waitFor(async () => (await tile(page, 'available')) === '0', 'the tiles to load');
    expect(!(await page.getByRole('button', { name: 'Sign out' }).isVisible()), 'no sign-out without a token');
  },

  // Every page fits a phone's width (no sideways scrolling of the page; wide tables scroll inside their frame).
  async phone(t) {
    const cs = await startCentralSystem(t);
    await createOperationalCharger(cs, 'PHONE00001', 'phone-password-1', 2);
    const page = await signIn(t, cs, { width: 360, height: 740 });
    for (const [hash, heading] of [['#/dashboard', 'Dashboard'], ['#/chargers', 'Charging infrastructure'],
      ['#/chargers/PHONE00001', 'PHONE00001'], ['#/chargers/PHONE00001/commission', 'Put PHONE00001 into operation'],
      ['#/map', 'Map'], ['#/chargers/new', 'Create charging station: Identity'], ['#/security', 'Security']]) {
      await page.goto(cs.url(`/${hash}`));
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page.waitForTimeout(300); // let the page's first refresh land
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width <= 360, `${hash} fits 360 px (scroll width ${width})`);
      await t.screenshot(page, `phone-${hash.replace(/[#/]+/g, '-').replace(/^-|-$/g, '')}`);
    }
  },

  // A simulated charger's remote-started session moves the tiles and today's statistics without a reload.
  async dashboard_live(t) {
    const cs = await startCentralSystem(t);
    await createOperationalCharger(cs, 'LIVE000001', 'live-password-123');
    await cs.api('POST', 'chargers/LIVE000001/prices', { currency: 'EUR', perKwh: 0.5, perSession: 1.0,
      validFrom: '2020-01-01T00:00:00Z' });
    await cs.api('POST', 'idtags', { idTag: 'TAG-LIVE', status: 'Accepted' });
    const page = await signIn(t, cs);
    await t.waitFor(async () => (await tile(page, 'notAvailable')) === '2', 'two offline charge points');
    expectEqual(await tile(page, 'available'), '0', 'available before the charger connects');

    const sim = await t.start('ocpp-simulator', ['run', '--url', cs.wsUrl, '--chargers', '1', '--connectors', '2',
      '--id-prefix', 'LIVE', '--password', 'live-password-123', '--sessions-per-hour', '0', '--meter-interval', '1',
      '--power-kw', '22', '--duration', '120']);
    await t.waitFor(async () => (await tile(page, 'available')) === '2', 'both charge points available', { timeoutMs: 20000 });
    await t.screenshot(page, 'dashboard-charger-online');

    const started = await cs.api('POST', 'chargers/LIVE000001/commands/RemoteStartTransaction',
      { connectorId: 1, idTag: 'TAG-LIVE' });
    expect(JSON.stringify(started.body).includes('Accepted'), `remote start accepted: ${started.text}`);
    await t.waitFor(async () => (await tile(page, 'occupied')) === '1', 'one occupied charge point', { timeoutMs: 20000 });
    expectEqual(await tile(page, 'available'), '1', 'available while one charges');
    await t.waitFor(async () => (await tile(page, 'potentialTurnover')).includes('EUR'), 'potential turnover in EUR');
    await t.screenshot(page, 'dashboard-charging');

    await new Promise((r) => setTimeout(r, 3000)); // some energy
    const tx = await cs.api('GET', 'chargers/LIVE000001/transactions');
    const open = tx.body.transactions.find((x) => x.stopTimestamp === null);
    expect(open, 'an open transaction');
    await cs.api('POST', 'chargers/LIVE000001/commands/RemoteStopTransaction', { transactionId: open.transactionId });
    await t.waitFor(async () => (await stat(page, 'sessions')) === '1', "today's sessions = 1", { timeoutMs: 20000 });
    await t.waitFor(async () => (await tile(page, 'available')) === '2', 'both available again', { timeoutMs: 20000 });
    const energy = await stat(page, 'energy');
    expect(parseFloat(energy) > 0, `energy today above 0 (${energy})`);
    const revenue = await stat(page, 'revenue');
    expect(/^[1-9]\d*\.\d\d EUR$/.test(revenue), `revenue today at least the session fee 1.00 EUR (${revenue})`);
    await page.getByText('database: working').waitFor();
    await t.screenshot(page, 'dashboard');
    await expectLabelled(page, 'the dashboard');

    // The provider selector counts one provider's charge points only.
    await createOperationalCharger(cs, 'BETA000001', 'beta-password-12', 1, 'beta');
    await t.waitFor(async () => (await tile(page, 'notAvailable')) === '1', 'the beta charger counted (offline)');
    await page.reload();
    await page.getByLabel('Provider', { exact: true }).selectOption('beta');
    await t.waitFor(async () => (await tile(page, 'available')) === '0' && (await tile(page, 'notAvailable')) === '1',
      "beta's tiles");
    expect(page.url().endsWith('#/dashboard?provider=beta'), `the provider is in the address (${page.url()})`);
    await page.getByLabel('Provider', { exact: true }).selectOption('acme');
    await t.waitFor(async () => (await tile(page, 'available')) === '2' && (await tile(page, 'notAvailable')) === '0',
      "acme's tiles");
    await sim.stop();
  },
});
