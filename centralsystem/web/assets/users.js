// Users (admin): who may use the portal and the API, with their role and provider; create, delete, issue an API
// token (shown once: only its hash is kept), list a user's tokens by id and label and revoke one.
import { api, get, post, enc } from './api.js';
import { h, clear, field, showError, toast, when } from './ui.js';

const ROLES = [['read-only', 'Read-only'], ['installer', 'Installer'], ['operator', 'Operator'], ['admin', 'Admin']];

// A user's tokens in the status card, each with a Revoke button (the token stops working on its next request).
async function showTokens(u, shown) {
  try {
    const data = await get(`users/${enc(u.name)}/tokens`);
    const rows = data.tokens.map((t) => {
      const revoke = h('button', { type: 'button', class: 'btn', 'aria-label': `Revoke token ${t.id} of ${u.name}` },
        'Revoke');
      revoke.addEventListener('click', async () => {
        if (!window.confirm(`Revoke token ${t.id} (${t.label || 'no label'}) of ${u.name}?`)) return;
        try {
          await api('DELETE', `users/${enc(u.name)}/tokens/${enc(t.id)}`);
          toast(`Token ${t.id} of ${u.name} revoked.`);
          showTokens(u, shown);
        } catch (e) {
          toast(e.message);
        }
      });
      return h('tr', { dataset: { tokenId: t.id } }, h('td', {}, h('code', {}, t.id)), h('td', {}, t.label || '—'),
        h('td', {}, when(t.createdAt)), h('td', { class: 'actions' }, revoke));
    });
    clear(shown, h('h2', {}, `API tokens of ${u.name}`), rows.length === 0 ? h('p', {}, 'No tokens.')
      : h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, `API tokens of ${u.name}`),
        h('thead', {}, h('tr', {}, ['Id', 'Label', 'Created', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows))));
    shown.hidden = false;
  } catch (e) {
    toast(e.message);
  }
}

function userRow(u, refresh, shown) {
  const remove = h('button', { type: 'button', class: 'btn', 'aria-label': `Delete user ${u.name}` }, 'Delete');
  remove.addEventListener('click', async () => {
    if (!window.confirm(`Delete user ${u.name}? Their tokens and sessions end.`)) return;
    try {
      await api('DELETE', `users/${enc(u.name)}`);
      toast(`User ${u.name} deleted.`);
      refresh();
    } catch (e) {
      toast(e.message);
    }
  });
  const issue = h('button', { type: 'button', class: 'btn', 'aria-label': `New API token for ${u.name}` }, 'New token');
  issue.addEventListener('click', async () => {
    try {
      const t = await post(`users/${enc(u.name)}/tokens`, { label: 'portal' });
      clear(shown, h('p', {}, `API token for ${u.name} (copy it now, it is not shown again):`),
        h('code', { class: 'token', dataset: { token: '' } }, t.token));
      shown.hidden = false;
    } catch (e) {
      toast(e.message);
    }
  });
  const tokens = h('button', { type: 'button', class: 'btn', 'aria-label': `API tokens of ${u.name}` }, 'Tokens');
  tokens.addEventListener('click', () => showTokens(u, shown));
  return h('tr', { dataset: { user: u.name } }, h('td', {}, u.name), h('td', {}, u.role),
    h('td', {}, u.provider || 'all'), h('td', {}, when(u.createdAt)),
    h('td', { class: 'actions' }, issue, ' ', tokens, ' ', remove));
}

export async function render(view) {
  const list = h('tbody');
  const shown = h('div', { class: 'card', role: 'status', hidden: true });
  const name = h('input', { type: 'text', name: 'name', required: true, maxlength: 64, autocomplete: 'off' });
  const password = h('input', { type: 'password', name: 'password', required: true, minlength: 12, maxlength: 256,
    autocomplete: 'new-password' });
  const role = h('select', { name: 'role' }, ROLES.map(([v, l]) => h('option', { value: v }, l)));
  const provider = h('input', { type: 'text', name: 'provider', maxlength: 64 });
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'h-new-user' },
    h('h2', { id: 'h-new-user' }, 'New user'),
    field('User name', name), field('Password', password, 'At least 12 characters.'), field('Role', role,
      'Read-only reads; installer also creates and commissions chargers; operator changes everything but users; admin everything.'),
    field('Provider', provider, 'Optional: the user then sees and changes only this provider\'s chargers.'),
    msg, h('button', { class: 'btn primary', type: 'submit' }, 'Create user'));
  const refresh = async () => {
    try {
      const data = await get('users');
      clear(list, data.users.length === 0 ? h('tr', {}, h('td', { colspan: 5 }, 'No users yet: only the API token.'))
        : data.users.map((u) => userRow(u, refresh, shown)));
    } catch (e) {
      clear(list, h('tr', {}, h('td', { colspan: 5, class: 'error' }, e.message)));
    }
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.hidden = true;
    const body = { name: name.value.trim(), password: password.value, role: role.value };
    if (provider.value.trim()) body.provider = provider.value.trim();
    try {
      await post('users', body);
      toast(`User ${body.name} created.`);
      form.reset();
      refresh();
    } catch (e) {
      showError(form, e, msg);
    }
  });
  clear(view, h('h1', {}, 'Users'), shown,
    h('section', { 'aria-labelledby': 'h-users' }, h('h2', { id: 'h-users' }, 'Users'),
      h('div', { class: 'table-wrap' }, h('table', {}, h('caption', { class: 'sr-only' }, 'Users'),
        h('thead', {}, h('tr', {}, ['Name', 'Role', 'Provider', 'Created', ''].map((c) => h('th', { scope: 'col' }, c)))),
        list))),
    form);
  await refresh();
  return null;
}
