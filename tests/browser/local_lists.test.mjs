// The portal's local-lists page in headless chromium against two simulated chargers: a group with a bad name is
// refused at its field; a new group gets a charger placed in it from the page, which then holds the group's whole
// list while the other charger stays in default; an id tag assigned from the page reaches the group's charger as a
// Differential update; the group is renamed and deleted from the page (its charger back in default, in sync); the
// page fits a 360 px phone.
import { suite, expect } from './harness.mjs';
import { startCentralSystem, signIn, createOperationalCharger, expectLabelled } from './portal_support.mjs';

function row(page, id) {
  return page.locator(`tr[data-charger="${id}"]`);
}

async function rowIs(t, page, id, group, words, what) {
  await t.waitFor(async () => {
    const r = row(page, id);
    if ((await r.count()) !== 1) return false;
    return (await r.getAttribute('data-group')) === group && (await r.getAttribute('data-insync')) === 'true'
      && (await r.textContent()).includes(words);
  }, what);
}

suite('local_lists', {
  async groups(t) {
    const cs = await startCentralSystem(t);
    await createOperationalCharger(cs, 'LLGR000001', 'llgr-password-1', 1);
    await createOperationalCharger(cs, 'LLGR000002', 'llgr-password-1', 1);
    await cs.api('POST', 'idtags', { idTag: 'GR-BROWSER', status: 'Accepted' });
    await cs.api('POST', 'idtags', { idTag: 'GR-OTHER', status: 'Accepted' });
    await t.start('ocpp-simulator', ['run', '--url', cs.wsUrl, '--chargers', '2', '--connectors', '1',
      '--id-prefix', 'LLGR', '--password', 'llgr-password-1', '--sessions-per-hour', '0', '--duration', '150']);

    const page = await signIn(t, cs);
    await page.getByRole('link', { name: 'Local lists' }).click();
    await page.getByRole('heading', { name: 'Local lists', level: 1 }).waitFor();
    await rowIs(t, page, 'LLGR000001', 'default', '', 'both chargers in sync in default');
    await rowIs(t, page, 'LLGR000002', 'default', '', 'both chargers in sync in default');
    await expectLabelled(page, 'the local-lists page');

    const form = page.getByRole('form', { name: 'New group' });
    await form.getByLabel('Name').fill('bad name');
    await form.getByRole('button', { name: 'Create group' }).click();
    const nameInput = form.getByLabel('Name');
    await t.waitFor(async () => (await nameInput.getAttribute('aria-invalid')) === 'true', 'the name marked');
    expect((await page.locator('section[data-group]').count()) === 1, 'no group made from a bad name');
    await nameInput.fill('depot');
    await form.getByLabel('Description').fill('fleet chargers');
    await form.getByLabel('Its list holds').selectOption('assigned');
    await form.getByRole('button', { name: 'Create group' }).click();
    const depot = page.locator('section[data-group="depot"]');
    await depot.waitFor();

    // One id tag first (a charger reports an empty list as version 0), then the charger is placed in the group.
    await depot.getByLabel('Id tags of depot').fill('GR-OTHER');
    await depot.getByRole('button', { name: 'Add the id tags to depot' }).click();
    await depot.getByLabel('Chargers to place in depot').fill('LLGR000001');
    await depot.getByRole('button', { name: 'Place the chargers in depot' }).click();
    await rowIs(t, page, 'LLGR000001', 'depot', 'group "depot"', 'the placed charger holds the group\'s list');
    await rowIs(t, page, 'LLGR000002', 'default', '', 'the other charger stays in default');

    await depot.getByLabel('Id tags of depot').fill('GR-BROWSER');
    await depot.getByRole('button', { name: 'Add the id tags to depot' }).click();
    await rowIs(t, page, 'LLGR000001', 'depot', 'Differential update', 'the assigned tag sent as a Differential update');
    await depot.locator('details summary').click();
    await t.waitFor(async () => (await depot.locator('details').textContent()).includes('GR-BROWSER'),
      'the assigned tags listed');
    // An unknown id tag is refused at the field.
    await depot.getByLabel('Id tags of depot').fill('NO-SUCH-TAG');
    await depot.getByRole('button', { name: 'Add the id tags to depot' }).click();
    const tagsInput = depot.getByLabel('Id tags of depot');
    await t.waitFor(async () => (await tagsInput.getAttribute('aria-invalid')) === 'true', 'the unknown tag marked');
    await t.screenshot(page, 'groups');

    // Its list switched to every tag of the registry: the charger gets the whole new list.
    await depot.getByLabel('What the list of depot holds', { exact: true }).selectOption('all');
    await depot.getByRole('button', { name: 'Change what the list of depot holds' }).click();
    await rowIs(t, page, 'LLGR000001', 'depot', 'Full update', 'the whole registry sent after the switch');
    await depot.getByLabel('New name for depot').fill('depot-2');
    await depot.getByRole('button', { name: 'Rename depot' }).click();
    const renamed = page.locator('section[data-group="depot-2"]');
    await renamed.waitFor();
    await rowIs(t, page, 'LLGR000001', 'depot-2', '', 'the renamed group\'s charger still in sync');
    await renamed.getByRole('button', { name: 'Delete group depot-2' }).click();
    await t.waitFor(async () => (await page.locator('section[data-group]').count()) === 1, 'the group gone');
    await rowIs(t, page, 'LLGR000001', 'default', 'Full update', 'the charger back in default with its whole list');
  },

  async phone(t) {
    const cs = await startCentralSystem(t);
    await createOperationalCharger(cs, 'LLGRPHONE1', 'llgr-password-2', 1);
    await cs.api('POST', 'local-lists', { name: 'depot', description: 'fleet chargers' });
    await cs.api('POST', 'local-lists/depot/chargers', { chargeBoxIds: ['LLGRPHONE1'] });
    const page = await signIn(t, cs, { width: 360, height: 740 });
    await page.goto(cs.url('/#/lists'));
    await page.getByRole('heading', { name: 'Local lists', level: 1 }).waitFor();
    await page.locator('section[data-group="depot"] tr[data-charger="LLGRPHONE1"]').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width <= 360, `the page fits 360 px (scroll width ${width})`);
    await t.screenshot(page, 'phone');
  },
});
