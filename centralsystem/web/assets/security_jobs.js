// Security jobs: start a password rotation or a security profile upgrade over a list of chargers or a provider's,
// and follow each job's progress and every charger's outcome (the page polls while a job runs).
import { get, post, enc } from './api.js';
import { h, clear, field, poll, showError, when, toast } from './ui.js';

const OUTCOMES = ['pending', 'sent', 'confirmed', 'rejected', 'offline', 'failed'];
const KINDS = { passwordRotation: 'Password rotation', profileUpgrade: 'Security profile upgrade' };

function kindText(job) {
  return job.kind === 'profileUpgrade' ? `${KINDS.profileUpgrade} to ${job.targetProfile}` : KINDS[job.kind];
}

function counts(job) {
  return OUTCOMES.filter((o) => job.counts[o] > 0).map((o) => `${job.counts[o]} ${o}`).join(', ') || 'no chargers';
}

function newJobForm(onStarted) {
  const kind = h('select', { name: 'kind' }, Object.entries(KINDS).map(([v, t]) => h('option', { value: v }, t)));
  const target = h('select', { name: 'targetProfile' }, h('option', { value: '2' }, '2: TLS and password'),
    h('option', { value: '3' }, '3: TLS and client certificate'));
  const targetField = field('Target profile', target, 'A profile only goes up; a downgrade is refused.');
  targetField.hidden = true;
  const chargers = h('textarea', { name: 'chargers', rows: 3, placeholder: 'CB-0001, CB-0002', autocomplete: 'off' });
  const provider = h('input', { name: 'provider', autocomplete: 'off', maxlength: 255 });
  const concurrency = h('input', { name: 'concurrency', type: 'number', min: 1, max: 100, value: 10 });
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  kind.addEventListener('change', () => { targetField.hidden = kind.value !== 'profileUpgrade'; });
  const form = h('form', { class: 'card', novalidate: true, 'aria-label': 'New security job' },
    h('h2', {}, 'New job'), field('Job', kind), targetField,
    field('Chargers', chargers, 'Chargebox IDs separated by commas or lines; or leave empty and name a provider.'),
    field('Provider', provider), field('Chargers at once', concurrency),
    h('button', { type: 'submit', class: 'btn primary' }, 'Start job'), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.hidden = true;
    const body = { kind: kind.value, concurrency: Number(concurrency.value || 10) };
    if (kind.value === 'profileUpgrade') body.targetProfile = Number(target.value);
    const ids = chargers.value.split(/[\s,]+/).filter(Boolean);
    if (ids.length > 0) body.chargers = ids;
    if (provider.value.trim()) body.provider = provider.value.trim();
    try {
      const job = await post('security-jobs', body);
      toast(`Job ${job.id} started over ${job.chargers.length} chargers.`);
      onStarted(job);
    } catch (e) {
      // "chargers/3" names one entry of the list: mark the list.
      if (e.field && e.field.startsWith('chargers/')) e.field = 'chargers';
      showError(form, e, msg);
    }
  });
  return form;
}

function jobDetails(job) {
  return h('section', { class: 'card', 'aria-labelledby': `h-job-${job.id}`, dataset: { job: job.id } },
    h('h2', { id: `h-job-${job.id}` }, `Job ${job.id}: ${kindText(job)}`),
    h('p', {}, `${job.state} · started ${when(job.createdAt)}${job.finishedAt ? ` · finished ${when(job.finishedAt)}` : ''}`
      + ` · ${counts(job)}`),
    h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Outcome per charger'),
      h('thead', {}, h('tr', {}, ['Charger', 'Outcome', 'Attempts', 'Why', 'Updated']
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, job.chargers.map((c) => h('tr', { dataset: { charger: c.chargeBoxId, outcome: c.outcome } },
        h('td', {}, h('a', { href: `#/chargers/${enc(c.chargeBoxId)}` }, c.chargeBoxId)),
        h('td', {}, h('span', { class: `badge-outcome ${c.outcome}` }, c.outcome)), h('td', {}, String(c.attempts)),
        h('td', {}, c.reason), h('td', {}, when(c.updatedAt))))))));
}

export async function render(view, ctx) {
  const list = h('tbody');
  const detail = h('div', { 'aria-live': 'polite' });
  let selected = ctx.query.get('job') || '';
  const showJob = async () => {
    if (!selected) return clear(detail);
    try {
      clear(detail, jobDetails(await get(`security-jobs/${enc(selected)}`)));
    } catch (e) {
      clear(detail, h('p', { class: 'error', role: 'alert' }, e.message));
    }
  };
  const refresh = async () => {
    const data = await get('security-jobs');
    clear(list, data.jobs.length === 0 ? h('tr', {}, h('td', { colspan: 4 }, 'No security job yet.'))
      : data.jobs.map((j) => h('tr', { dataset: { job: j.id } },
        h('td', {}, h('a', { href: `#/jobs?job=${j.id}` }, `Job ${j.id}`)), h('td', {}, kindText(j)),
        h('td', {}, j.state), h('td', {}, counts(j)))));
    await showJob();
  };
  clear(view, h('h1', {}, 'Security jobs'),
    h('p', {}, 'Rotate the chargers\' passwords or move them to a higher security profile, many at once.'),
    newJobForm((job) => { selected = String(job.id); ctx.go(`#/jobs?job=${job.id}`); }),
    h('section', { 'aria-labelledby': 'h-jobs' }, h('h2', { id: 'h-jobs' }, 'Jobs'),
      h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Security jobs'),
        h('thead', {}, h('tr', {}, ['Job', 'Kind', 'State', 'Chargers'].map((c) => h('th', { scope: 'col' }, c)))),
        list))),
    detail);
  return poll(refresh, 2000);
}
