// Turns the live state of a test into DOM: the checklist, the banner, the charger's facts. Text from the charger is
// only ever set as textContent, never parsed as markup.

// Every verdict is a word and a symbol, not a colour alone.
const VERDICTS = {
  pending: { word: 'Waiting', symbol: '…' },
  running: { word: 'Checking', symbol: '↻' },
  pass: { word: 'Passed', symbol: '✓' },
  warn: { word: 'Warning', symbol: '!' },
  fail: { word: 'Failed', symbol: '✗' },
  skipped: { word: 'Skipped', symbol: '–' },
};

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function verdictOf(check) {
  return VERDICTS[check.verdict] ? check.verdict : 'pending';
}

function checkItem(check) {
  const verdict = verdictOf(check);
  const item = el('li', 'check ' + verdict);
  item.dataset.check = check.id;
  item.dataset.verdict = verdict;
  const head = el('div', 'check-head');
  const badge = el('span', 'badge ' + verdict);
  badge.append(el('span', 'symbol', VERDICTS[verdict].symbol), el('span', 'word', VERDICTS[verdict].word));
  head.append(badge, el('span', 'check-title', check.title));
  item.append(head);
  if (check.seen) item.append(el('p', 'seen', check.seen));
  if (check.hint && (verdict === 'fail' || verdict === 'warn')) {
    const hint = el('p', 'hint');
    hint.append(el('strong', '', 'What to do: '), document.createTextNode(check.hint));
    item.append(hint);
  }
  if (Array.isArray(check.details) && check.details.length > 0) {
    const list = el('ul', 'details');
    for (const d of check.details.slice(0, 20)) list.append(el('li', '', d));
    if (check.details.length > 20) list.append(el('li', '', '… ' + (check.details.length - 20) + ' more in the report'));
    item.append(list);
  }
  const meta = el('p', 'check-id', check.id + (check.octt ? ' · OCTT ' + check.octt : ''));
  item.append(meta);
  return item;
}

// Failed checks first, then warnings, then the rest in the tester's order: what needs doing is on top.
export function renderChecks(list, checks) {
  const rank = { fail: 0, warn: 1 };
  const ordered = checks
    .map((c, i) => ({ c, i }))
    .sort((a, b) => (rank[a.c.verdict] ?? 2) - (rank[b.c.verdict] ?? 2) || a.i - b.i)
    .map(({ c }) => c);
  list.replaceChildren(...ordered.map(checkItem));
}

// "7 of 13 done: 6 passed, 1 failed"
export function progressText(checks) {
  const count = (v) => checks.filter((c) => c.verdict === v).length;
  const done = checks.length - count('pending') - count('running');
  const parts = [];
  if (count('pass')) parts.push(count('pass') + ' passed');
  if (count('warn')) parts.push(count('warn') + ' with warnings');
  if (count('fail')) parts.push(count('fail') + ' failed');
  if (count('skipped')) parts.push(count('skipped') + ' skipped');
  return done + ' of ' + checks.length + ' done' + (parts.length ? ': ' + parts.join(', ') : '');
}

// The banner: one sentence on where the test stands and what happens next.
export function bannerFor(state) {
  const failed = (state.checks || []).filter((c) => c.verdict === 'fail').length;
  switch (state.state) {
    case 'waiting':
      return { kind: 'waiting', text: 'Waiting for the charger to connect. Configure it as shown below.' };
    case 'running':
      return failed
        ? { kind: 'failing', text: failed + (failed === 1 ? ' check failed' : ' checks failed') + ': see what to do below. The test goes on.' }
        : { kind: 'running', text: 'The charger is connected. Checking…' };
    case 'passed':
      if (state.claimStatus === 'issuing') return { kind: 'passed', text: 'Passed. Issuing the claiming code…' };
      if (state.claimStatus === 'issued') return { kind: 'passed', text: 'Passed. Give the claiming code to the operator.' };
      return { kind: 'passed', text: 'Passed, but no claiming code: ' + (state.claimError || 'the tester could not store one') };
    case 'failed':
      return { kind: 'failed', text: 'Failed: ' + failed + (failed === 1 ? ' check' : ' checks') + ' failed. Fix what the hints say, then test again.' };
    case 'aborted':
      return { kind: 'failed', text: 'Aborted. No claiming code.' };
    default:
      return { kind: 'waiting', text: state.state };
  }
}

const FACTS = [
  ['vendor', 'Vendor'], ['model', 'Model'], ['serial', 'Serial number'], ['firmware', 'Firmware'],
  ['connectors', 'Connectors'], ['securityProfile', 'Security profile'], ['remoteAddress', 'Connected from'],
  ['iccid', 'ICCID'], ['imsi', 'IMSI'], ['meterType', 'Meter type'], ['meterSerial', 'Meter serial'],
  ['tlsVersion', 'TLS version'],
];

// Fills the facts list; false when the charger has not said anything yet.
export function renderFacts(dl, charger) {
  const rows = [];
  if (!charger || (!charger.vendor && !charger.remoteAddress)) {
    dl.replaceChildren();
    return false;
  }
  for (const [key, label] of FACTS) {
    const value = charger ? charger[key] : null;
    if (value === null || value === undefined || value === '') continue;
    const row = el('div');
    row.append(el('dt', '', label), el('dd', '', value));
    rows.push(row);
  }
  dl.replaceChildren(...rows);
  return rows.length > 0;
}
