// The REST API of `ocpp-tester serve` (tester/serve/API.md), as the page uses it. Every request has a time limit; errors
// come back as {status, error, field} so the page can say what is wrong and where.

const TOKEN_KEY = 'ocpp-tester.token';
const TIMEOUT_MS = 10000;

export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field || '';
  }
}

export function savedToken() {
  try {
    return localStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';
  }
}

export function saveToken(token) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Private browsing: the token lives only as long as the page.
  }
}

async function request(method, path, { body, etag, token } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (etag) headers['If-None-Match'] = etag;
  if (token) headers.Authorization = 'Bearer ' + token;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      signal: controller.signal,
    });
  } catch (e) {
    throw new ApiError(0, controller.signal.aborted ? 'the tester did not answer within 10 s' : 'the tester cannot be reached');
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 304) return { status: 304, etag };
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const message = data && typeof data.error === 'string' ? data.error : 'the tester answered ' + response.status;
    throw new ApiError(response.status, message, data && data.field);
  }
  return { status: response.status, etag: response.headers.get('ETag') || '', data };
}

// POST /api/v1/tests: the new test with the password, shown only in this answer.
export function startTest(fields, token) {
  return request('POST', '/api/v1/tests', { body: fields, token });
}

// GET /api/v1/tests/{id}: {status: 304} while nothing changed since `etag`.
export function getTest(id, etag) {
  return request('GET', '/api/v1/tests/' + encodeURIComponent(id), { etag });
}

// DELETE /api/v1/tests/{id}: aborts a test in progress.
export function abortTest(id) {
  return request('DELETE', '/api/v1/tests/' + encodeURIComponent(id));
}
