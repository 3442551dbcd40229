// The simulator's HTML reports in headless chromium: a load run against the real central system (ramp and churn on
// the time axis) and a scenario run. Every request the page makes is watched: the page itself is the only one, so no
// request leaves the machine. BROWSER_TEST_DOCS_SCREENSHOT=FILE also saves the README's picture of the load report.
import fs from 'node:fs';
import path from 'node:path';
import { suite, expect, expectEqual } from './harness.mjs';
import { startCentralSystem } from './portal_support.mjs';

// Opens a report file, records every request and refuses all but the file itself.
async function openReport(t, file, size) {
  const page = await t.page(size);
  const requests = [];
  const url = 'file://' + file;
  await page.route('**/*', (route) => {
    requests.push(route.request().url());
    return route.request().url() === url ? route.continue() : route.abort();
  });
  await page.goto(url);
  return { page, requests, url };
}

suite('report', {
  // A 30 s load run of 20 chargers, ramped at 2/s with a churn round at 20 s, rendered by --html and by `report html`.
  async load_report(t) {
    const cs = await startCentralSystem(t, { extra: ['--auto-register'] });
    const dir = t.tmp('reports');
    fs.mkdirSync(dir, { recursive: true });
    const json = path.join(dir, 'run.json'), html = path.join(dir, 'run.html');
    const run = await t.run('ocpp-simulator', ['run', '--url', `ws://127.0.0.1:${cs.port}/ocpp`, '--chargers', '20',
      '--id-prefix', 'HTML', '--ramp', '2', '--duration', '30', '--churn', '20', '--churn-every', '20', '--report', json,
      '--html', html], { timeoutMs: 90000 });
    expectEqual(run.code, 0, `the run's exit code (${run.output})`);
    const report = JSON.parse(fs.readFileSync(json, 'utf8'));

    const { page, requests, url } = await openReport(t, html, { width: 1366, height: 900 });
    await page.getByRole('heading', { name: 'ocpp-simulator load report' }).waitFor();
    expectEqual(requests.length, 1, `requests made by the page: ${requests.join(', ')}`);
    expectEqual(requests[0], url, 'the only request');
    // Totals as in the JSON.
    const boot = page.locator('table.totals tr', { has: page.locator('th', { hasText: /^BootNotification$/ }) });
    const cells = await boot.locator('td').allTextContents();
    expectEqual(cells[0], String(report.actions.BootNotification.sent), 'BootNotification sent');
    expectEqual(cells[1], String(report.actions.BootNotification.ok), 'BootNotification ok');
    // Plots: all actions, chargers and errors, and two per action; each drawn with lines and a legend.
    const figures = page.locator('figure');
    const actions = Object.keys(report.actions).length;
    expectEqual(await figures.count(), 4 + 2 * actions, 'charts');
    for (const title of ['All actions: calls per second', 'All actions: latency per interval', 'Chargers',
      'Errors and connection events']) {
      await page.getByRole('heading', { name: title, exact: true }).waitFor();
    }
    const box = await page.locator('figure svg').first().boundingBox();
    expect(box && box.width > 400 && box.height > 100, `the first chart is drawn large enough (${JSON.stringify(box)})`);
    expectEqual(await page.locator('svg rect.span').count(), 4 + 2 * actions, 'the ramp shaded in every chart');
    expectEqual(await page.locator('svg line.moment').count(), 4 + 2 * actions, 'the churn round in every chart');
    const overTime = await page.locator('p.meta').nth(1).textContent();
    expect(overTime.includes('ramp at 0 s to 10 s') && overTime.includes('churn at 20 s'), `the marks named: ${overTime}`);
    await t.screenshot(page, 'load-report');
    if (process.env.BROWSER_TEST_DOCS_SCREENSHOT) {
      await page.screenshot({ path: process.env.BROWSER_TEST_DOCS_SCREENSHOT });
    }
    // Printed: the same page in print media still shows every chart.
    await page.emulateMedia({ media: 'print' });
    expectEqual(await page.locator('figure svg').count(), 4 + 2 * actions, 'charts when printed');
    await t.screenshot(page, 'load-report-print');

    // `report html` renders the saved JSON to the very same page.
    const again = path.join(dir, 'again.html');
    const rendered = await t.run('ocpp-simulator', ['report', 'html', json, '-o', again]);
    expectEqual(rendered.code, 0, 'report html exit code');
    expectEqual(fs.readFileSync(again, 'utf8'), fs.readFileSync(html, 'utf8'), 'report html output');

    // On a laptop-narrow window the charts stack and still fit.
    const narrow = await openReport(t, html, { width: 800, height: 700 });
    const narrowBox = await narrow.page.locator('figure svg').first().boundingBox();
    expect(narrowBox.width <= 800, 'charts fit a narrow window');
    expectEqual(narrow.requests.length, 1, 'requests of the narrow page');
  },

  // A scenario run against the central system: --html lists each run's steps with their timings.
  async scenario_report(t) {
    const cs = await startCentralSystem(t, { extra: ['--auto-register'] });
    const dir = t.tmp('scenario');
    fs.mkdirSync(dir, { recursive: true });
    const html = path.join(dir, 'scenario.html'), junit = path.join(dir, 'junit.xml');
    const run = await t.run('ocpp-simulator', ['scenario', path.resolve('../../scenarios/boot_heartbeat.yaml'),
      '--url', `ws://127.0.0.1:${cs.port}/ocpp`, '--junit', junit, '--html', html]);
    expectEqual(run.code, 0, `the scenario's exit code (${run.output})`);
    expect(fs.readFileSync(junit, 'utf8').includes('<testcase'), 'the JUnit file as before');
    const { page, requests } = await openReport(t, html);
    await page.getByRole('heading', { name: 'ocpp-simulator scenario report' }).waitFor();
    expectEqual(requests.length, 1, 'requests made by the page');
    expect((await page.textContent('body')).includes('1 of 1 runs passed'), 'the summary');
    const steps = page.locator('section table tr', { has: page.locator('td') });
    // connect, BootNotification, 3 StatusNotifications, 2 x (Heartbeat, wait), disconnect
    expectEqual(await steps.count(), 1 + 1 + 3 + 4 + 1, 'timed steps');
    const kinds = await page.locator('section table tr td:nth-child(2)').allTextContents();
    expectEqual(kinds[0], 'connect', 'the first step');
    expectEqual(kinds[1], 'send', 'the second step');
    await t.screenshot(page, 'scenario-report');
  },
});
