// Diagnostics: ask a charger for its diagnostics (GetDiagnostics, uploaded to the central system or an FTP
// directory), list its requests with their status, and download an uploaded file.
import { get, post, enc, token } from './api.js';
import { h, clear, field, poll, when, showError, toast } from './ui.js';

async function download(path, name) {
  const res = await fetch(path, { headers: token() ? { Authorization: `Bearer ${token()}` } : {} });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const a = h('a', { href: URL.createObjectURL(await res.blob()), download: name });
  a.click();
}

export async function render(view, ctx) {
  const charger = h('input', { type: 'text', name: 'chargeBoxId', required: true, value: ctx.query.get('charger') || '' });
  const ftp = h('input', { type: 'text', name: 'ftp', maxlength: 500 });
  const form = h('form', { class: 'card', dataset: { form: 'diagnostics' } }, h('h2', {}, 'Request diagnostics'),
    field('Charger', charger), field('FTP directory', ftp, 'only for chargers that speak FTP alone: ftp://user:password@host:port/dir/'),
    h('button', { type: 'submit' }, 'Request'));
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const list = h('tbody');
  const refresh = async () => {
    if (!charger.value) return clear(list, h('tr', {}, h('td', { colspan: 5 }, 'Name a charger.')));
    const d = await get(`chargers/${enc(charger.value)}/diagnostics`);
    clear(list, d.diagnostics.length === 0 ? h('tr', {}, h('td', { colspan: 5 }, 'No diagnostics asked yet.'))
      : d.diagnostics.map((x) => {
        const link = x.download ? h('button', { type: 'button', dataset: { action: 'download' } }, 'Download') : '–';
        if (x.download) link.addEventListener('click', () => download(x.download, x.fileName).catch((e) => toast(e.message)));
        return h('tr', { dataset: { diagnostics: x.id, status: x.status } }, h('td', {}, when(x.createdAt)),
          h('td', {}, x.fileName || '–'), h('td', {}, x.status || x.answer), h('td', {}, x.uploaded ? String(x.size) : '–'), h('td', {}, link));
      }));
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await post(`chargers/${enc(charger.value)}/diagnostics`, ftp.value ? { ftp: ftp.value } : {});
      toast(`Diagnostics asked: ${r.diagnostics.fileName || 'no file'} → ${r.diagnostics.uploadTo}`);
      refresh();
    } catch (e) {
      showError(form, e, error);
    }
  });
  clear(view, h('h1', {}, 'Diagnostics'), error, form,
    h('section', { 'aria-labelledby': 'h-diag' }, h('h2', { id: 'h-diag' }, 'Requests'),
      h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Diagnostics requests'),
        h('thead', {}, h('tr', {}, ['Asked', 'File', 'Status', 'Bytes', ''].map((c) => h('th', { scope: 'col' }, c)))),
        list))));
  return poll(refresh, 3000);
}
