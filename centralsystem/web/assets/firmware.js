// Firmware: an upload form (the file, its signing certificate and signature; checked by the server before it is
// stored), the signed firmware uploads (name, size, SHA-256) and, for one upload, its updates with each charger's
// result, last reported status and history (the page polls while it is open). Updates start through the API
// (POST /api/v1/firmware/{id}/updates).
import { get, enc, token, ApiError } from './api.js';
import { h, clear, field, poll, when, showError, toast } from './ui.js';

// POST /api/v1/firmware as multipart/form-data: the parts file, signingCertificate, signature and name.
async function uploadSigned(file, certificate, signature, name) {
  const form = new FormData();
  form.append('file', file, file.name);
  form.append('signingCertificate', certificate);
  form.append('signature', signature.trim());
  form.append('name', name || file.name);
  const headers = { Accept: 'application/json' };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  const res = await fetch('/api/v1/firmware', { method: 'POST', headers, body: form });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, data && data.error ? data.error : `HTTP ${res.status}`, data && data.field);
  return data.firmware;
}

function mib(bytes) {
  return `${Math.round((bytes / 1048576) * 10) / 10} MiB`;
}

function updateDetails(u) {
  return h('section', { class: 'card', 'aria-labelledby': `h-update-${u.id}`, dataset: { update: u.id } },
    h('h3', { id: `h-update-${u.id}` }, `Update ${u.id}`),
    h('p', {}, `started ${when(u.createdAt)} · ${u.ended ? 'ended' : 'running'}`),
    h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Result per charger'),
      h('thead', {}, h('tr', {}, ['Charger', 'Result', 'Last status', 'Answer', 'History']
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, u.chargers.map((c) => h('tr', { dataset: { charger: c.chargeBoxId, result: c.result } },
        h('td', {}, h('a', { href: `#/chargers/${enc(c.chargeBoxId)}` }, c.chargeBoxId)),
        h('td', {}, h('span', { class: `badge-outcome ${c.result}` }, c.result)), h('td', {}, c.status || '–'),
        h('td', {}, c.reason), h('td', {}, c.history.map((s) => s.status).reverse().join(' → '))))))));
}

async function firmwareDetails(id) {
  const data = await get(`firmware/${enc(id)}`);
  const updates = await Promise.all(data.updates.map((u) => get(`firmware/${enc(id)}/updates/${u.id}`)));
  const f = data.firmware;
  return h('section', { class: 'card', 'aria-labelledby': `h-fw-${f.id}`, dataset: { firmware: f.id } },
    h('h2', { id: `h-fw-${f.id}` }, `${f.name} (${f.size} bytes)`),
    h('p', {}, h('code', {}, `SHA-256 ${f.sha256}`)),
    updates.length === 0 ? h('p', {}, 'Not sent to any charger yet.') : updates.map((u) => updateDetails(u.update)));
}

export async function render(view, ctx) {
  const list = h('tbody');
  const detail = h('div', { 'aria-live': 'polite' });
  const selected = ctx.query.get('firmware') || '';
  const fileInput = h('input', { type: 'file', name: 'file', required: true });
  const certInput = h('input', { type: 'file', name: 'signingCertificate', accept: '.pem,.crt,.cer', required: true });
  const signature = h('textarea', { name: 'signature', rows: 3, required: true });
  const nameInput = h('input', { type: 'text', name: 'name', maxlength: 100 });
  const limit = h('span', { dataset: { maxBytes: '' } }, '');
  const formError = h('p', { class: 'error', role: 'alert', hidden: true });
  const uploadForm = h('form', { class: 'card', dataset: { form: 'firmware-upload' } },
    h('h2', {}, 'Upload signed firmware'), h('p', { class: 'hint' }, 'At most ', limit,
      '; the signature is checked with the certificate before anything is stored.'),
    field('Firmware file', fileInput),
    field('Signing certificate', certInput, 'the PEM certificate whose key signed the file'),
    field('Signature', signature, 'base64 of the SHA-256 signature over the file, e.g. from '
      + '"openssl dgst -sha256 -sign KEY FILE | base64 -w0"'),
    field('Name', nameInput, 'the file name chargers see; default: the file\'s'),
    h('button', { type: 'submit' }, 'Upload'), formError);
  let maxBytes = 0;
  uploadForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    formError.hidden = true;
    const file = fileInput.files[0];
    if (maxBytes && file && file.size > maxBytes) {
      showError(uploadForm, new ApiError(413, `the file has ${file.size} bytes, at most ${maxBytes}`, 'file'),
        formError);
      return;
    }
    try {
      const certificate = await certInput.files[0].text();
      const f = await uploadSigned(file, certificate, signature.value, nameInput.value);
      toast(`Uploaded ${f.name}, SHA-256 ${f.sha256}`);
      uploadForm.reset();
      location.hash = `#/firmware?firmware=${f.id}`;
    } catch (e) {
      showError(uploadForm, e, formError);
    }
  });
  const refresh = async () => {
    const data = await get('firmware');
    maxBytes = data.maxBytes || 0;
    limit.textContent = maxBytes ? mib(maxBytes) : '–';
    clear(list, data.firmware.length === 0 ? h('tr', {}, h('td', { colspan: 4 }, 'No firmware uploaded yet.'))
      : data.firmware.map((f) => h('tr', { dataset: { firmware: f.id } },
        h('td', {}, h('a', { href: `#/firmware?firmware=${f.id}` }, f.name)), h('td', {}, String(f.size)),
        h('td', {}, h('code', {}, f.sha256.slice(0, 16))), h('td', {}, when(f.createdAt)))));
    if (!selected) return;
    try {
      clear(detail, await firmwareDetails(selected));
    } catch (e) {
      clear(detail, h('p', { class: 'error', role: 'alert' }, e.message));
    }
  };
  clear(view, h('h1', {}, 'Firmware'),
    h('p', {}, 'Signed firmware uploads and their updates; updates are sent through the API.'), uploadForm,
    h('section', { 'aria-labelledby': 'h-firmware' }, h('h2', { id: 'h-firmware' }, 'Uploads'),
      h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Firmware uploads'),
        h('thead', {}, h('tr', {}, ['Name', 'Bytes', 'SHA-256', 'Uploaded'].map((c) => h('th', { scope: 'col' }, c)))),
        list))),
    detail);
  return poll(refresh, 3000);
}
