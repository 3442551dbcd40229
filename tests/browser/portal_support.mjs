// What the portal's browser tests share: a central system with a token, REST calls for setting up, sign-in.
import { http, expect } from './harness.mjs';

export const TOKEN = 'browser-test-token-0123456789';

// Starts ocpp-centralsystem on a free port with a fresh SQLite file; resolves the process with .api(method, path, body).
export async function startCentralSystem(t, { db, extra = [], token = true } = {}) {
  // A free port can be taken by a test running beside this one before the central system binds it: another port then.
  let cs;
  let port;
  for (let attempt = 1; ; attempt += 1) {
    port = await t.freePort();
    try {
      cs = await t.start('ocpp-centralsystem', ['--listen', `127.0.0.1:${port}`, '--db', `sqlite:${db || t.tmp('cs.db')}`,
        ...(token ? ['--api-token', TOKEN] : []), '--heartbeat-interval', '2', ...extra], { port });
      break;
    } catch (e) {
      if (attempt >= 3 || !String(e.message).includes('Address already in use')) throw e;
    }
  }
  cs.api = async (method, path, body, expectOk = true) => {
    const r = await http(cs.url(''), method, `/api/v1/${path}`, body, { Authorization: `Bearer ${TOKEN}` });
    if (expectOk) expect(r.status < 300, `${method} /api/v1/${path} answered ${r.status}: ${r.text}`);
    return r;
  };
  cs.wsUrl = `ws://127.0.0.1:${port}/ocpp`;
  return cs;
}

// Opens the portal and signs in with the token; resolves when the dashboard shows.
export async function signIn(t, cs, pageOptions) {
  const page = await t.page(pageOptions);
  await page.goto(cs.url('/'));
  await page.getByLabel('API token').fill(TOKEN);
  await page.getByRole('button', { name: 'Use this token' }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  return page;
}

// A charger created through the REST API (by hand), with one charge point per connector, put into operation.
export async function createOperationalCharger(cs, id, password, connectors = 2, provider = 'acme') {
  const chargePoints = [];
  for (let i = 1; i <= connectors; i += 1) {
    chargePoints.push({ connectorId: i, evseId: `DE*OKT*E${id.replace(/[^A-Z0-9]/gi, '')}*${i}`, standard: 'IEC_62196_T2',
      format: 'SOCKET', powerType: 'AC_3_PHASE', maxPowerKw: 22 });
  }
  await cs.api('POST', 'chargers', { chargeBoxId: id, password, provider, vendor: 'ocppkit', model: 'sim',
    chargePoints });
  await cs.api('POST', `chargers/${id}/commission`, {
    address: { street: 'Invalidenstraße 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
    location: { latitude: 52.53, longitude: 13.38 }, hotline: '+49 30 1234567',
    chargePoints: chargePoints.map((p) => ({ connectorId: p.connectorId, maxCurrentA: 32, phases: 3, maxPowerKw: 22 })),
  });
}

// Text of the dashboard tile `key` (available, occupied, notAvailable, inoperative, potentialTurnover).
export async function tile(page, key) {
  return (await page.locator(`[data-tile="${key}"]`).textContent()).trim();
}

export async function stat(page, key) {
  return (await page.locator(`[data-stat="${key}"]`).textContent()).trim();
}

// Every visible form control and button on the page has an accessible name (label, aria-label or text).
export async function expectLabelled(page, where) {
  const missing = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter((el) => el.getClientRects().length > 0)
    .filter((el) => !((el.labels && el.labels.length) || el.getAttribute('aria-label') ||
      el.getAttribute('aria-labelledby') || (el.tagName === 'BUTTON' && el.textContent.trim())))
    .map((el) => el.outerHTML.slice(0, 100)));
  expect(missing.length === 0, `every control on ${where} has a label; without: ${missing.join(' ')}`);
}
