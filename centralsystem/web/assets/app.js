// The portal's shell: sign-in, hash routing to one page module at a time, search, notifications, navigation.
import { api, csrf, get, post, setCsrf, setToken, token, whenUnauthorized } from './api.js';
import { h, clear, field, poll, when } from './ui.js';

const pages = {
  dashboard: () => import('./dashboard.js'),
  chargers: () => import('./infrastructure.js'),
  new: () => import('./wizard.js'),
  details: () => import('./details.js'),
  commission: () => import('./commission.js'),
  map: () => import('./chargers_map.js'),
  security: () => import('./security.js'),
  jobs: () => import('./security_jobs.js'),
  firmware: () => import('./firmware.js'),
  sites: () => import('./sites.js'),
  profiles: () => import('./profiles.js'),
  rollouts: () => import('./rollouts.js'),
  diagnostics: () => import('./diagnostics.js'),
  datatransfer: () => import('./datatransfer.js'),
  reservations: () => import('./reservations.js'),
  lists: () => import('./local_lists.js'),
  idtags: () => import('./idtags.js'),
  import: () => import('./import.js'),
  sessions: () => import('./sessions.js'),
  users: () => import('./users.js'),
};

const view = document.getElementById('view');
let cleanup = null;
let needsToken = true;
let stopNotifications = null;
let config = { mapTileUrl: '', signIn: true };

// "#/chargers/CB-1/commission?x" -> {page, id, query}
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(qs || '');
  if (parts[0] === 'chargers' && parts[1] === 'new') return { page: 'new', query };
  if (parts[0] === 'chargers' && parts[1] && parts[2] === 'commission') return { page: 'commission', id: parts[1], query };
  if (parts[0] === 'chargers' && parts[1]) return { page: 'details', id: parts[1], query };
  if (parts[0] in pages) return { page: parts[0], query };
  if (parts[0] === 'login') return { page: 'login', query };
  return { page: 'dashboard', query };
}

async function route() {
  if (cleanup) { cleanup(); cleanup = null; }
  const r = parseHash();
  document.querySelectorAll('[data-nav]').forEach((a) => {
    const active = a.dataset.nav === r.page || (r.page === 'details' && a.dataset.nav === 'chargers');
    if (active) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  closeMenu();
  if (r.page === 'login' || (needsToken && !token() && !csrf())) {
    showLogin();
    return;
  }
  startNotifications();
  clear(view, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const mod = await pages[r.page]();
    const ctx = { id: r.id, query: r.query, config, go: (hash) => { location.hash = hash; } };
    cleanup = (await mod.render(view, ctx)) || null;
  } catch (e) {
    clear(view, h('h1', {}, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, e.message));
  }
  const heading = view.querySelector('h1');
  document.title = `${heading ? heading.textContent : 'Portal'} · ocppkit central system`;
  view.focus({ preventScroll: true });
}

function showLogin() {
  stopNotifications && stopNotifications();
  stopNotifications = null;
  document.getElementById('logout').hidden = true;
  const name = h('input', { type: 'text', name: 'name', required: true, autocomplete: 'username', maxlength: 64 });
  const password = h('input', { type: 'password', name: 'password', required: true,
    autocomplete: 'current-password', maxlength: 256 });
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off' });
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  const tokenMsg = h('p', { class: 'error', role: 'alert', hidden: true });
  const signedIn = () => {
    document.getElementById('logout').hidden = false;
    location.hash = '#/dashboard';
    if (parseHash().page === 'dashboard') route();
  };
  const form = h('form', { class: 'card login', novalidate: true, id: 'login-user' },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'Sign in with your user name and password.'),
    field('User name', name), field('Password', password), msg,
    h('button', { class: 'btn primary', type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.hidden = true;
    try {
      const who = await api('POST', 'session', { name: name.value.trim(), password: password.value },
        { tokenOverride: '' });
      setToken('');
      setCsrf(who.csrfToken);
      signedIn();
    } catch (e) {
      msg.textContent = e.status === 401 ? 'Wrong user name or password.' : e.message;
      msg.hidden = false;
      password.setAttribute('aria-invalid', 'true');
      password.focus();
    }
  });
  const tokenForm = h('form', { class: 'card login', novalidate: true, id: 'login-token' },
    h('h2', {}, 'Or with an API token'),
    h('p', {}, 'The token the central system was started with (--api-token), or a user\'s API token. It is kept in this browser tab only (sessionStorage) and sent as a bearer token.'),
    field('API token', input), tokenMsg, h('button', { class: 'btn', type: 'submit' }, 'Use this token'));
  tokenForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    tokenMsg.hidden = true;
    try {
      await api('GET', 'session', undefined, { tokenOverride: input.value.trim() });
      setCsrf('');
      setToken(input.value.trim());
      signedIn();
    } catch (e) {
      tokenMsg.textContent = e.status === 401 ? 'This token is not accepted by the central system.' : e.message;
      tokenMsg.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  });
  clear(view, form, tokenForm);
  document.title = 'Sign in · ocppkit central system';
  name.focus();
}

// The bell: unread count and the newest notifications. A central system that keeps notifications marks them read
// when the panel opens (POST notifications/read); an older one only has a time, remembered in localStorage.
function startNotifications() {
  if (stopNotifications) return;
  const list = document.getElementById('notif-list');
  const count = document.getElementById('notif-count');
  const button = document.getElementById('notif-button');
  let seen = Number(localStorage.getItem('ocppkit.notificationsSeen') || 0);
  let latest = { at: 0, id: 0, stored: false };
  const showCount = (n) => {
    count.textContent = String(n);
    count.hidden = n === 0;
    button.setAttribute('aria-label', n ? `Notifications, ${n} unread` : 'Notifications');
  };
  button.onclick = async () => {
    const panel = document.getElementById('notif-panel');
    panel.hidden = !panel.hidden;
    button.setAttribute('aria-expanded', String(!panel.hidden));
    if (panel.hidden) return;
    seen = latest.at;
    localStorage.setItem('ocppkit.notificationsSeen', String(seen));
    showCount(0);
    if (latest.stored && latest.id) {
      try { await post('notifications/read', { upTo: latest.id }); } catch (e) { /* shown again next poll */ }
    }
  };
  stopNotifications = poll(async () => {
    const data = await get('notifications?limit=50');
    const items = data.notifications || [];
    const stored = typeof data.unread === 'number';
    latest = { at: items.reduce((m, n) => Math.max(m, Date.parse(n.at) || 0), 0),
      id: items.reduce((m, n) => Math.max(m, n.id || 0), 0), stored };
    const isUnread = (n) => (stored ? !n.read : (Date.parse(n.at) || 0) > seen);
    if (document.getElementById('notif-panel').hidden) {
      showCount(stored ? data.unread : items.filter(isUnread).length);
    }
    clear(list, items.length === 0 ? h('li', { class: 'muted' }, 'No notifications') : items.map((n) =>
      h('li', { class: `n-${n.kind}${isUnread(n) ? ' unread' : ''}` },
        h('a', { href: `#/chargers/${encodeURIComponent(n.chargeBoxId)}` }, n.chargeBoxId), ' ',
        h('span', {}, n.message), h('time', { datetime: n.at }, when(n.at)))));
  }, 5000);
}

function closeMenu() {
  document.body.classList.remove('menu-open');
  document.getElementById('menu-toggle').setAttribute('aria-expanded', 'false');
}

async function start() {
  try {
    const res = await fetch('config.json');
    if (res.ok) config = await res.json();
  } catch (e) {
    // defaults
  }
  // A central system without --api-token needs no sign-in (a lab setup); config.json says so, so that no request
  // is made only to be refused (a 401 in the browser's console on every page load).
  needsToken = config.signIn !== false;
  document.getElementById('logout').hidden = !needsToken || (!token() && !csrf());
  whenUnauthorized(() => { setToken(''); setCsrf(''); location.hash = '#/login'; });
  document.getElementById('logout').addEventListener('click', async () => {
    if (csrf()) {
      try { await api('DELETE', 'session'); } catch (e) { /* the session may have ended already */ }
    }
    setToken('');
    setCsrf('');
    location.hash = '#/login';
  });
  document.getElementById('search-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = document.getElementById('search').value.trim();
    location.hash = `#/chargers?q=${encodeURIComponent(q)}`;
  });
  document.getElementById('menu-toggle').addEventListener('click', () => {
    const open = document.body.classList.toggle('menu-open');
    document.getElementById('menu-toggle').setAttribute('aria-expanded', String(open));
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape') return;
    const panel = document.getElementById('notif-panel');
    if (!panel.hidden) { panel.hidden = true; document.getElementById('notif-button').focus(); }
    closeMenu();
  });
  window.addEventListener('hashchange', route);
  route();
}

start();
