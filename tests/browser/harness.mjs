// The browser-test harness: starts the project's binaries on 127.0.0.1 (free ports), waits until they answer,
// drives Debian's chromium through playwright-core, saves screenshots under the artifacts directory, and always
// stops what it started (by PID), also on failure, timeout or SIGTERM.
//
//   import { suite } from './harness.mjs';
//   suite('portal', {
//     async dashboard(t) {
//       const cs = await t.start('ocpp-centralsystem', ['--listen', `127.0.0.1:${await t.freePort()}`], {http: true});
//       const page = await t.page();
//       await page.goto(cs.url('/'));
//       await t.screenshot(page, 'dashboard');
//     },
//   });
//
// `node file.test.mjs [case]` runs one case (as CTest does) or all. Environment: BROWSER_TEST_BIN_DIR (the programs),
// BROWSER_TEST_ARTIFACTS_DIR (screenshots and logs, default ./browser-artifacts), CHROMIUM (default /usr/bin/chromium),
// OCPPKIT_BROWSER_KEEP=1 keeps the temporary files of passing cases.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BIN_DIR = process.env.BROWSER_TEST_BIN_DIR || path.resolve('build-dev/bin');
const ARTIFACTS = path.resolve(process.env.BROWSER_TEST_ARTIFACTS_DIR || 'browser-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Resolves with fn's value, or rejects after `ms` with a message naming `what`.
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// A free TCP port on 127.0.0.1 (bound, read, released).
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// One HTTP request with a JSON body; resolves {status, headers, body (parsed when JSON), text}.
export async function http(base, method, urlPath, body, headers = {}, timeoutMs = 10000) {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const res = await fetch(base + urlPath, {
      method,
      headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: ctrl.signal,
    });
    const text = await res.text();
    let parsed = null;
    try { parsed = JSON.parse(text); } catch (e) { parsed = null; }
    return { status: res.status, headers: res.headers, body: parsed, text };
  } finally {
    clearTimeout(timer);
  }
}

class Proc {
  constructor(name, child, logPath) {
    this.name = name;
    this.child = child;
    this.pid = child.pid;
    this.logPath = logPath;
    this.exitCode = undefined;
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitCode = code === null ? `signal ${signal}` : code;
        resolve(this.exitCode);
      });
    });
  }
  get running() { return this.exitCode === undefined; }
  log() { try { return fs.readFileSync(this.logPath, 'utf8'); } catch (e) { return ''; } }
  url(p = '/') { return `http://127.0.0.1:${this.port}${p}`; }
  // SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited.
  async stop(graceMs = 5000) {
    if (!this.running) return this.exitCode;
    try { process.kill(this.pid, 'SIGTERM'); } catch (e) { return this.exitCode; }
    const done = await Promise.race([this.exited, sleep(graceMs).then(() => 'timeout')]);
    if (done === 'timeout' && this.running) {
      try { process.kill(this.pid, 'SIGKILL'); } catch (e) { /* gone */ }
      await Promise.race([this.exited, sleep(2000)]);
    }
    return this.exitCode;
  }
}

class TestContext {
  constructor(suiteName, caseName) {
    this.name = `${suiteName}.${caseName}`;
    this.procs = [];
    this.pages = [];
    this.pageErrors = [];
    this.browserInstance = null;
    this.shots = 0;
    this.t0 = Date.now();
    this.artifacts = path.join(ARTIFACTS, suiteName, caseName);
    fs.rmSync(this.artifacts, { recursive: true, force: true });
    fs.mkdirSync(this.artifacts, { recursive: true });
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `ocppkit-browser-${caseName}-`));
  }

  bin(name) { return path.join(BIN_DIR, name); }
  tmp(name) { return path.join(this.dir, name); }
  freePort() { return freePort(); }
  step(text) { console.log(`[${((Date.now() - this.t0) / 1000).toFixed(1).padStart(6)} s] ${text}`); }

  // Starts a program from the bin dir (or a path); with {port} or {http: true} waits until GET `readyPath`
  // (default /healthz) on that port answers 200. Output goes to <artifacts>/<name>.log.
  async start(program, args, { name, port, readyPath = '/healthz', readyMs = 15000, env } = {}) {
    const label = name || path.basename(program);
    const logPath = path.join(this.artifacts, `${label}.log`);
    const out = fs.openSync(logPath, 'w');
    const exe = program.includes('/') ? program : this.bin(program);
    const child = spawn(exe, args, { stdio: ['ignore', out, out], env: { ...process.env, ...(env || {}) } });
    fs.closeSync(out);
    const spawnError = new Promise((_, reject) => child.on('error', (e) => reject(new Error(`${exe}: ${e.message}`))));
    spawnError.catch(() => {}); // observed below when waiting for readiness; a failed spawn also shows as an exit
    const p = new Proc(label, child, logPath);
    this.procs.push(p);
    this.step(`started ${label} (pid ${p.pid}): ${[exe, ...args].join(' ')}`);
    if (port) {
      p.port = port;
      const deadline = Date.now() + readyMs;
      for (let i = 0; ; i += 1) {
        await Promise.race([spawnError, sleep(i === 0 ? 50 : 100)]);
        if (!p.running) throw new Error(`${label} exited (${p.exitCode}) before it answered:\n${p.log()}`);
        try {
          const r = await http(p.url(''), 'GET', readyPath, undefined, {}, 1000);
          if (r.status === 200) break;
        } catch (e) { /* not yet */ }
        if (Date.now() > deadline) throw new Error(`${label} did not answer GET ${readyPath} within ${readyMs} ms`);
      }
    }
    return p;
  }

  // Runs a program to its end (bounded); resolves {code, output}.
  async run(program, args, { name, timeoutMs = 60000, env } = {}) {
    const p = await this.start(program, args, { name, env });
    const code = await Promise.race([p.exited, sleep(timeoutMs).then(() => 'timeout')]);
    if (code === 'timeout') {
      await p.stop(1000);
      throw new Error(`${p.name} did not finish within ${timeoutMs} ms:\n${p.log()}`);
    }
    return { code, output: p.log() };
  }

  async browser() {
    if (!this.browserInstance) {
      let chromium;
      try {
        ({ chromium } = await import('playwright-core'));
      } catch (e) {
        throw new Error('playwright-core is not installed in tests/browser: run scripts/setup.sh (npm ci there)');
      }
      if (!fs.existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM}: run scripts/setup.sh`);
      this.browserInstance = await withTimeout(
        chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] }), 30000,
        'launching chromium');
    }
    return this.browserInstance;
  }

  // A new page (own context: own sessionStorage); uncaught page errors fail the case at its end.
  async page({ width = 1280, height = 860 } = {}) {
    const browser = await this.browser();
    const context = await browser.newContext({ viewport: { width, height } });
    context.setDefaultTimeout(10000);
    const page = await context.newPage();
    page.on('pageerror', (e) => this.pageErrors.push(`${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') this.step(`console: ${m.text()}`); });
    this.pages.push(page);
    return page;
  }

  // Saves a full-page PNG as <artifacts>/<nn>-<name>.png and returns its path.
  async screenshot(page, name, options = {}) {
    this.shots += 1;
    const file = path.join(this.artifacts, `${String(this.shots).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true, ...options });
    this.step(`screenshot ${file}`);
    return file;
  }

  // Polls fn until it returns a truthy value (returned), at most `timeoutMs`.
  async waitFor(fn, what, { timeoutMs = 15000, intervalMs = 200 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (;;) {
      try {
        const v = await fn();
        if (v) return v;
      } catch (e) { last = e; }
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
      await sleep(intervalMs);
    }
  }

  async cleanup(failed) {
    for (const page of this.pages) {
      if (failed && !page.isClosed()) {
        await withTimeout(this.screenshot(page, 'failure'), 5000, 'failure screenshot').catch(() => {});
      }
    }
    if (this.browserInstance) {
      await withTimeout(this.browserInstance.close(), 10000, 'closing chromium').catch((e) => this.step(e.message));
    }
    await Promise.all([...this.procs].reverse().map((p) => p.stop()));
    if (!failed && !process.env.OCPPKIT_BROWSER_KEEP) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

let current = null;
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, async () => {
    console.error(`harness: ${sig}: stopping what the test started`);
    if (current) await current.cleanup(true).catch(() => {});
    process.exit(1);
  });
}

// Runs the case named on the command line (or every case) with a fresh context each; exit code 0 when all passed.
export async function suite(suiteName, cases, { timeoutMs = 240000 } = {}) {
  const wanted = process.argv[2];
  const names = wanted ? [wanted] : Object.keys(cases);
  let failures = 0;
  for (const caseName of names) {
    if (!cases[caseName]) {
      console.error(`harness: no case "${caseName}" in ${suiteName}; cases: ${Object.keys(cases).join(', ')}`);
      process.exit(2);
    }
    const t = new TestContext(suiteName, caseName);
    current = t;
    t.step(`case ${t.name}; artifacts in ${t.artifacts}`);
    let error = null;
    try {
      await withTimeout(cases[caseName](t), timeoutMs, `case ${t.name}`);
      if (t.pageErrors.length) throw new Error(`uncaught errors in the page:\n  ${t.pageErrors.join('\n  ')}`);
    } catch (e) {
      error = e;
    }
    await t.cleanup(!!error);
    current = null;
    if (error) {
      failures += 1;
      console.error(`FAIL ${t.name}: ${error.stack || error.message}`);
      for (const p of t.procs) console.error(`--- ${p.name} (exit ${p.exitCode}) log, last lines ---\n${p.log().split('\n').slice(-40).join('\n')}`);
      console.error(`temporary files kept in ${t.dir}`);
    } else {
      t.step(`PASS ${t.name}`);
    }
  }
  process.exit(failures ? 1 : 0);
}

// Assertions with a message naming what a user relies on.
export function expect(condition, message) {
  if (!condition) throw new Error(`expectation failed: ${message}`);
}

export function expectEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`expectation failed: ${what}: expected ${e}, got ${a}`);
}
