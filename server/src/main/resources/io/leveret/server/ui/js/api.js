// The only way the UI talks to anything: the broker's own /api, with the tab's Basic credentials.
import { describe } from './dom.js';

const KEY = 'leveret.credentials';

/** An answer other than 2xx, with the API's error code and reason in plain words. */
export class ApiError extends Error {
  constructor(status, error, reason) {
    super(reason || error || `HTTP ${status}`);
    this.status = status;
    this.error = error;
    this.reason = reason;
  }
}

export function loggedIn() {
  return sessionStorage.getItem(KEY) !== null;
}

export function remember(user, password) {
  // btoa takes Latin-1 only: encode the UTF-8 bytes of the pair first.
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  sessionStorage.setItem(KEY, btoa(String.fromCharCode(...bytes)));
}

export function forget() {
  sessionStorage.removeItem(KEY);
}

/** Encodes one path segment; a vhost '/' travels as %2F. */
export const seg = encodeURIComponent;

/** Calls the API; resolves to the parsed JSON body (or null when there is none). */
export async function api(method, path, body, headers = {}) {
  const init = {
    method,
    // 'omit': a 401 must come back to this code, not open the browser's own login dialog.
    credentials: 'omit',
    headers: { Authorization: `Basic ${sessionStorage.getItem(KEY) || ''}`, ...headers },
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const response = await fetch(`api${path}`, init);
  const text = await response.text();
  let json = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!response.ok) {
    const reason = json && json.reason !== undefined
      ? (typeof json.reason === 'string' ? json.reason : JSON.stringify(json.reason))
      : response.statusText || `HTTP ${response.status}`;
    throw new ApiError(response.status, json && json.error, reason);
  }
  return json;
}

export const get = (path) => api('GET', path);

/** A detail page's object: GET path, or null with the API's error shown in errorBox (cleared on success). */
export async function getOrShow(path, errorBox) {
  try {
    const o = await get(path);
    errorBox.textContent = '';
    return o;
  } catch (e) {
    errorBox.textContent = describe(e);
    return null;
  }
}
