// Users in the portal: an admin creates a provider's operator on the Users page and issues a token; that operator
// signs in with name and password (a session cookie, no token in the browser), sees only the provider's chargers,
// and changes go through with the CSRF token; a read-only user is refused a change. Desktop and 360 px.
import { suite, http, expect, expectEqual } from './harness.mjs';
import { startCentralSystem, signIn, createOperationalCharger, expectLabelled } from './portal_support.mjs';

async function signInAsUser(t, cs, name, password, pageOptions) {
  const page = await t.page(pageOptions);
  await page.goto(cs.url('/'));
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  return page;
}

async function fits(t, page, width, what) {
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scroll <= width, `${what} fits ${width} px (scroll width ${scroll})`);
}

async function usersFlow(t, pageOptions, width) {
  const cs = await startCentralSystem(t);
  await createOperationalCharger(cs, 'ACME000001', 'acme-password-1', 1, 'acme');
  await createOperationalCharger(cs, 'OTHER00001', 'other-password-1', 1, 'other');
  const admin = await signIn(t, cs, pageOptions);
  await admin.goto(cs.url('/#/users'));
  await admin.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  await admin.getByText('No users yet').waitFor();
  await expectLabelled(admin, 'the users page');
  await admin.getByLabel('User name').fill('acme-op');
  await admin.getByLabel('Password').fill('short');
  await admin.getByRole('button', { name: 'Create user' }).click();
  await admin.locator('.field-error', { hasText: 'password must have at least 12' }).first().waitFor();
  await admin.getByLabel('Password').fill('acme-operator-password');
  await admin.getByLabel('Role').selectOption('operator');
  await admin.getByLabel('Provider').fill('acme');
  await admin.getByRole('button', { name: 'Create user' }).click();
  await admin.locator('[data-user="acme-op"]').waitFor();
  await admin.getByRole('button', { name: 'New API token for acme-op' }).click();
  const token = (await admin.locator('[data-token]').textContent()).trim();
  expectEqual(token.length, 64, 'a token is shown once');
  const viaToken = await http(cs.url(''), 'GET', '/api/v1/chargers', undefined, { Authorization: `Bearer ${token}` });
  expectEqual(viaToken.body.chargers.map((c) => c.chargeBoxId).join(','), 'ACME000001', 'the token sees acme only');
  // The user's tokens are listed by id and label, never the token; one revoked stops working at once.
  await admin.getByRole('button', { name: 'API tokens of acme-op' }).click();
  const row = admin.locator('tr[data-token-id]');
  await row.first().waitFor();
  expectEqual(await row.count(), 1, 'one token listed');
  expectEqual((await row.locator('td').nth(1).textContent()).trim(), 'portal', 'its label');
  expectEqual((await admin.content()).includes(token), false, 'the token itself is not on the page any more');
  const id = await row.getAttribute('data-token-id');
  admin.once('dialog', (d) => d.accept());
  await admin.getByRole('button', { name: `Revoke token ${id} of acme-op` }).click();
  await admin.getByText('No tokens.').waitFor();
  const revoked = await http(cs.url(''), 'GET', '/api/v1/chargers', undefined, { Authorization: `Bearer ${token}` });
  expectEqual(revoked.status, 401, 'a revoked token is refused');
  await fits(t, admin, width, 'the users page');
  await t.screenshot(admin, 'users-page');

  const op = await signInAsUser(t, cs, 'acme-op', 'acme-operator-password', pageOptions);
  expectEqual(await op.evaluate(() => sessionStorage.getItem('ocppkit.token')), null, 'no token kept for a user');
  const cookies = await op.context().cookies();
  const session = cookies.find((c) => c.name === 'ocppkit_session');
  expect(session && session.httpOnly && session.sameSite === 'Strict', 'the session cookie is HttpOnly, SameSite=Strict');
  await op.goto(cs.url('/#/chargers'));
  await op.getByRole('link', { name: 'ACME000001' }).first().waitFor();
  expectEqual(await op.getByText('OTHER00001').count(), 0, 'another provider\'s charger is not listed');
  await fits(t, op, width, 'the infrastructure list of a provider\'s user');
  await t.screenshot(op, 'provider-operator-chargers');
  // A change through the cookie session works (the CSRF token goes along).
  const changed = await op.evaluate(async () => {
    const r = await fetch('/api/v1/chargers/ACME000001', { method: 'PATCH', headers: {
      'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('ocppkit.csrf') },
    body: JSON.stringify({ vendor: 'Changed' }) });
    return r.status;
  });
  expectEqual(changed, 200, 'PATCH with the CSRF token');
  const forged = await op.evaluate(async () => (await fetch('/api/v1/chargers/ACME000001', { method: 'PATCH',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ vendor: 'Forged' }) })).status);
  expectEqual(forged, 403, 'PATCH without the CSRF token');
  await op.goto(cs.url('/#/chargers/OTHER00001'));
  await op.getByText('no charger', { exact: false }).first().waitFor();
  await op.getByRole('button', { name: 'Sign out' }).click();
  await op.getByRole('heading', { name: 'Sign in' }).waitFor();
  const after = await op.evaluate(async () => (await fetch('/api/v1/chargers')).status);
  expectEqual(after, 401, 'signed out: the cookie no longer works');
}

suite('users', {
  async users_desktop(t) {
    await usersFlow(t, undefined, 1280);
  },
  async users_phone(t) {
    await usersFlow(t, { width: 360, height: 740 }, 360);
  },
});
