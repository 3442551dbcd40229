// Id tags: the registry Authorize and StartTransaction answer from. Search and paging, create or change one (status,
// expiry, parent), block, unblock and expire from the list.
import { get, post, enc } from './api.js';
import { h, clear, field, showError, toast, when, labelCells } from './ui.js';

const PAGE = 25;
const STATUSES = ['Accepted', 'Blocked', 'Expired', 'Invalid'];

// "2026-05-01T10:00" (a datetime-local value, local time) -> RFC 3339 UTC, or undefined when empty.
function isoOf(local) {
  return local ? new Date(local).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined;
}

export async function render(view, ctx) {
  const state = { q: ctx.query.get('q') || '', status: ctx.query.get('status') || '', offset: 0 };
  const search = h('input', { type: 'search', name: 'q', value: state.q, maxlength: 20, placeholder: 'Id tag or parent' });
  const status = h('select', { name: 'status' }, h('option', { value: '' }, 'All'),
    STATUSES.map((s) => h('option', { value: s, selected: state.status === s }, s)));
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter id tags' },
    field('Search', search), field('Status', status));
  const body = h('tbody');
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'btn' }, 'Previous page');
  const next = h('button', { type: 'button', class: 'btn' }, 'Next page');
  const problem = h('p', { class: 'error', role: 'alert', hidden: true });

  const save = async (tag, what) => {
    try {
      await post('idtags', tag);
      toast(`${tag.idTag}: ${what}.`);
      await load();
    } catch (e) {
      toast(`${tag.idTag} not changed: ${e.message}`);
    }
  };
  const row = (t) => {
    const base = { idTag: t.idTag, status: t.status, expiryDate: t.expiryDate || undefined,
      parentIdTag: t.parentIdTag || undefined };
    const expired = t.expiryDate && Date.parse(t.expiryDate) <= Date.now();
    const actions = h('td', { class: 'row-actions' },
      t.status === 'Blocked'
        ? h('button', { type: 'button', class: 'btn', 'aria-label': `Unblock ${t.idTag}`,
          onclick: () => save({ ...base, status: 'Accepted' }, 'accepted again') }, 'Unblock')
        : h('button', { type: 'button', class: 'btn', 'aria-label': `Block ${t.idTag}`,
          onclick: () => save({ ...base, status: 'Blocked' }, 'blocked') }, 'Block'),
      expired ? null : h('button', { type: 'button', class: 'btn', 'aria-label': `Expire ${t.idTag} now`,
        onclick: () => save({ ...base, expiryDate: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }, 'expired') },
      'Expire now'));
    return h('tr', { dataset: { tag: t.idTag, status: t.status } },
      h('th', { scope: 'row' }, t.idTag), h('td', {}, t.status + (expired && t.status === 'Accepted' ? ' (expired)' : '')),
      h('td', {}, t.expiryDate ? when(t.expiryDate) : 'never'), h('td', {}, t.parentIdTag || '—'), actions);
  };
  const load = async () => {
    const qs = new URLSearchParams({ limit: String(PAGE), offset: String(state.offset) });
    if (state.q) qs.set('q', state.q);
    if (state.status) qs.set('status', state.status);
    try {
      const data = await get(`idtags?${qs}`);
      clear(body, data.idTags.length === 0 ? h('tr', {}, h('td', { colspan: 5 }, data.total ? 'No id tag on this page.'
        : 'No id tag matches. Create one below.')) : data.idTags.map(row));
      labelCells(body);
      const last = Math.min(state.offset + data.idTags.length, data.total);
      count.textContent = data.total ? `${state.offset + 1}–${last} of ${data.total} id tags` : '0 id tags';
      prev.disabled = state.offset === 0;
      next.disabled = last >= data.total;
      problem.hidden = true;
    } catch (e) {
      problem.textContent = `Cannot load the id tags: ${e.message}`;
      problem.hidden = false;
    }
  };
  prev.addEventListener('click', () => { state.offset = Math.max(0, state.offset - PAGE); load(); });
  next.addEventListener('click', () => { state.offset += PAGE; load(); });
  let typing = 0;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => { state.q = search.value.trim(); state.offset = 0; load(); }, 250);
  });
  filters.addEventListener('submit', (ev) => { ev.preventDefault(); state.q = search.value.trim(); state.offset = 0; load(); });
  status.addEventListener('change', () => { state.status = status.value; state.offset = 0; load(); });

  // Create or change one id tag (POST replaces a tag of the same name).
  const idTag = h('input', { name: 'idTag', required: true, maxlength: 20, autocomplete: 'off' });
  const newStatus = h('select', { name: 'status' }, STATUSES.map((s) => h('option', { value: s }, s)));
  const expiry = h('input', { type: 'datetime-local', name: 'expiryDate' });
  const parent = h('input', { name: 'parentIdTag', maxlength: 20, autocomplete: 'off' });
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'h-newtag' },
    h('h2', { id: 'h-newtag' }, 'Create or change an id tag'),
    field('Id tag', idTag, 'Up to 20 characters, as the card or app presents it.'), field('Status', newStatus),
    field('Expires', expiry, 'Empty: never. After this time the tag is answered Expired.'),
    field('Parent id tag', parent, 'Groups tags (e.g. a fleet): a reservation for the parent admits every child.'),
    h('button', { type: 'submit', class: 'btn primary' }, 'Save id tag'), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.hidden = true;
    try {
      const saved = await post('idtags', { idTag: idTag.value.trim(), status: newStatus.value,
        expiryDate: isoOf(expiry.value), parentIdTag: parent.value.trim() || undefined });
      toast(`Id tag ${saved.idTag} saved.`);
      form.reset();
      await load();
    } catch (e) {
      showError(form, e, msg);
    }
  });

  clear(view, h('div', { class: 'page-head' }, h('h1', {}, 'Id tags'),
    h('a', { class: 'btn', href: '#/import' }, 'Import chargers (CSV)')),
  filters, problem, count,
  h('div', { class: 'table-wrap' }, h('table', { class: 'stack' }, h('caption', { class: 'sr-only' }, 'Id tags'),
    h('thead', {}, h('tr', {}, ['Id tag', 'Status', 'Expires', 'Parent', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
    body)),
  h('div', { class: 'pager' }, prev, next), form);
  await load();
  return () => clearTimeout(typing);
}
