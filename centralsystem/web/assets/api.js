// The REST API from the browser: a user's session cookie (its CSRF token sent with every change) or a bearer token
// from sessionStorage; errors as ApiError with the field the server named.
const TOKEN_KEY = 'ocppkit.token';
const CSRF_KEY = 'ocppkit.csrf';

export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field || '';
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// The CSRF token of the signed-in user's session (the cookie itself is HttpOnly); empty when not signed in.
export function csrf() {
  return sessionStorage.getItem(CSRF_KEY) || '';
}

export function setCsrf(value) {
  if (value) sessionStorage.setItem(CSRF_KEY, value);
  else sessionStorage.removeItem(CSRF_KEY);
}

let onUnauthorized = () => {};
export function whenUnauthorized(fn) {
  onUnauthorized = fn;
}

// Sends one request; resolves with the parsed JSON body, rejects with ApiError.
export async function api(method, path, body, { tokenOverride, timeoutMs = 35000 } = {}) {
  const headers = { Accept: 'application/json' };
  const t = tokenOverride !== undefined ? tokenOverride : token();
  if (t) headers.Authorization = `Bearer ${t}`;
  else if (csrf() && method !== 'GET') headers['X-CSRF-Token'] = csrf();
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
  let res;
  try {
    res = await fetch(`/api/v1/${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: ctrl.signal,
    });
  } catch (e) {
    throw new ApiError(0, ctrl.signal.aborted ? 'the central system did not answer in time'
                                              : 'the central system cannot be reached');
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  if (!res.ok) {
    if (res.status === 401 && tokenOverride === undefined) onUnauthorized();
    const msg = data && data.error ? data.error : `HTTP ${res.status}`;
    throw new ApiError(res.status, msg, data && data.field);
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body === undefined ? {} : body);
export const patch = (path, body) => api('PATCH', path, body);
export const enc = encodeURIComponent;
