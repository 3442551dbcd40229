// Firmware roll-outs: upload a plain firmware file (its SHA-256 shown), start a job over chargers (start time,
// concurrency, retries, force), follow each charger's live status and the firmware version it booted with, cancel.
import { get, post, enc, token, ApiError } from './api.js';
import { h, clear, field, poll, when, showError, toast } from './ui.js';

async function uploadFile(file, name) {
  const headers = { Accept: 'application/json' };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  const res = await fetch(`/api/v1/rollouts/files?name=${enc(name || file.name)}`, { method: 'POST', headers, body: file });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data && data.error ? data.error : `HTTP ${res.status}`, data && data.field);
  return data.file;
}

function jobDetails(j, refresh) {
  const cancel = h('button', { type: 'button', class: 'danger', dataset: { action: 'cancel' } }, 'Cancel job');
  cancel.addEventListener('click', async () => {
    try {
      await post(`rollouts/${j.id}/cancel`);
      toast(`Roll-out ${j.id} cancelled`);
      refresh();
    } catch (e) {
      toast(e.message);
    }
  });
  const counts = Object.entries(j.counts).map(([s, n]) => `${s} ${n}`).join(' · ');
  return h('section', { class: 'card', 'aria-labelledby': `h-job-${j.id}`, dataset: { rollout: j.id, state: j.state } },
    h('h2', { id: `h-job-${j.id}` }, `Roll-out ${j.id}: ${j.state}`),
    h('p', {}, `file ${j.fileId} · from ${when(j.startAt)} · at most ${j.concurrency} at once · retries ${j.retries}`
      + (j.force ? ' · forced' : '')),
    h('p', { dataset: { counts: '' } }, counts),
    j.state === 'running' || j.state === 'scheduled' ? cancel : null,
    h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Status per charger'),
      h('thead', {}, h('tr', {}, ['Charger', 'Status', 'Attempts', 'Firmware', 'Detail', 'Updated']
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, j.chargers.map((c) => h('tr', { dataset: { charger: c.chargeBoxId, status: c.status } },
        h('td', {}, h('a', { href: `#/chargers/${enc(c.chargeBoxId)}` }, c.chargeBoxId)),
        h('td', {}, h('span', { class: 'badge-outcome' }, c.status)), h('td', {}, String(c.attempts)),
        h('td', {}, c.firmwareVersion || '–'), h('td', {}, c.detail), h('td', {}, when(c.updatedAt))))))));
}

export async function render(view, ctx) {
  const files = h('tbody');
  const jobs = h('tbody');
  const detail = h('div', { 'aria-live': 'polite' });
  const selected = ctx.query.get('rollout') || '';
  const fileInput = h('input', { type: 'file', name: 'file', required: true });
  const nameInput = h('input', { type: 'text', name: 'name', maxlength: 100 });
  const uploadForm = h('form', { class: 'card', dataset: { form: 'upload' } }, h('h2', {}, 'Upload firmware'),
    field('File (at most 8 MiB)', fileInput), field('Name', nameInput, 'the file name chargers see; default: the file\'s'),
    h('button', { type: 'submit' }, 'Upload'));
  const fileSelect = h('input', { type: 'number', name: 'fileId', min: 1, required: true });
  const chargers = h('textarea', { name: 'chargers', rows: 3, required: true });
  const startAt = h('input', { type: 'datetime-local', name: 'startAt' });
  const concurrency = h('input', { type: 'number', name: 'concurrency', min: 1, max: 1000, value: 10 });
  const retries = h('input', { type: 'number', name: 'retries', min: 0, max: 10, value: 0 });
  const force = h('input', { type: 'checkbox', name: 'force' });
  const jobForm = h('form', { class: 'card', dataset: { form: 'rollout' } }, h('h2', {}, 'Start a roll-out'),
    field('Firmware file id', fileSelect), field('Chargebox IDs', chargers, 'Chargebox IDs, separated by spaces or commas'),
    field('Start at', startAt, 'empty: now'), field('At most at once', concurrency), field('Retries', retries),
    field('Install during sessions', force), h('button', { type: 'submit' }, 'Start'));
  const formError = h('p', { class: 'error', role: 'alert', hidden: true });
  const refresh = async () => {
    const [f, j] = await Promise.all([get('rollouts/files'), get('rollouts')]);
    clear(files, f.files.length === 0 ? h('tr', {}, h('td', { colspan: 4 }, 'No firmware uploaded yet.'))
      : f.files.map((x) => h('tr', { dataset: { file: x.id } }, h('td', {}, String(x.id)), h('td', {}, x.name),
        h('td', {}, String(x.size)), h('td', {}, h('code', { class: 'hash' }, x.sha256)))));
    clear(jobs, j.rollouts.length === 0 ? h('tr', {}, h('td', { colspan: 4 }, 'No roll-outs yet.'))
      : j.rollouts.map((x) => h('tr', { dataset: { rollout: x.id } },
        h('td', {}, h('a', { href: `#/rollouts?rollout=${x.id}` }, `Roll-out ${x.id}`)), h('td', {}, x.state),
        h('td', {}, Object.entries(x.counts).map(([s, n]) => `${s} ${n}`).join(' · ')), h('td', {}, when(x.createdAt)))));
    if (selected) clear(detail, jobDetails((await get(`rollouts/${enc(selected)}`)).rollout, refresh));
  };
  uploadForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const f = await uploadFile(fileInput.files[0], nameInput.value);
      toast(`Uploaded ${f.name}, SHA-256 ${f.sha256}`);
      fileSelect.value = f.id;
      refresh();
    } catch (e) {
      showError(uploadForm, e, formError);
    }
  });
  jobForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { fileId: Number(fileSelect.value), chargers: chargers.value.split(/[\s,]+/).filter(Boolean),
                   concurrency: Number(concurrency.value), retries: Number(retries.value), force: force.checked };
    if (startAt.value) body.startAt = new Date(startAt.value).toISOString().replace(/\.\d+Z$/, 'Z');
    try {
      const r = await post('rollouts', body);
      location.hash = `#/rollouts?rollout=${r.rollout.id}`;
    } catch (e) {
      showError(jobForm, e, formError);
    }
  });
  clear(view, h('h1', {}, 'Firmware roll-outs'), formError, uploadForm,
    h('section', { 'aria-labelledby': 'h-files' }, h('h2', { id: 'h-files' }, 'Firmware files'),
      h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Firmware files'),
        h('thead', {}, h('tr', {}, ['Id', 'Name', 'Bytes', 'SHA-256'].map((c) => h('th', { scope: 'col' }, c)))),
        files))),
    jobForm,
    h('section', { 'aria-labelledby': 'h-jobs' }, h('h2', { id: 'h-jobs' }, 'Roll-outs'),
      h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Roll-outs'),
        h('thead', {}, h('tr', {}, ['Job', 'State', 'Chargers', 'Created'].map((c) => h('th', { scope: 'col' }, c)))),
        jobs))),
    detail);
  return poll(refresh, 2000);
}
