// The API key lives in this tab's sessionStorage only: it is gone when the tab closes, and never
// reaches a URL, a cookie or a log line.
const KEY = 'lenswire.apiKey';

export const apiKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

/** An API refusal: the server's own code, message and (for form fields) the field at fault. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body.message || `The server answered ${status}`);
    this.status = status;
    this.code = body.error || 'http_' + status;
    this.field = body.field || null;
  }
}

/**
 * Calls the API with the key. Answers are JSON both ways; a non-2xx answer becomes an ApiError
 * carrying the server's message, which the pages show as is.
 */
export async function api(method, path, body, options = {}) {
  const headers = { 'X-API-Key': options.key ?? apiKey.get() ?? '' };
  // a FormData body (photo uploads) goes as multipart: the browser writes its Content-Type and boundary
  const form = body instanceof FormData;
  if (body !== undefined && !form) {
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined || form ? body : JSON.stringify(body),
      keepalive: options.keepalive === true, cache: 'no-store', signal: options.signal,
    });
  } catch (e) {
    if (e.name === 'AbortError') {
      throw e;
    }
    throw new ApiError(0, { error: 'network', message: 'The server cannot be reached' });
  }
  return answer(response);
}

/**
 * An image the API serves behind the key (enrolled photos, event snapshots): <img src> cannot
 * send X-API-Key, so it is fetched and handed out as an object URL, which the caller revokes.
 */
export async function apiImageUrl(path, options = {}) {
  let response;
  try {
    response = await fetch(path, { headers: { 'X-API-Key': apiKey.get() ?? '' }, signal: options.signal });
  } catch (e) {
    if (e.name === 'AbortError') {
      throw e;
    }
    throw new ApiError(0, { error: 'network', message: 'The server cannot be reached' });
  }
  if (!response.ok) {
    await answer(response);
  }
  return URL.createObjectURL(await response.blob());
}

async function answer(response) {
  let json = {};
  try {
    json = await response.json();
  } catch (e) {
    // a body that is not JSON (a proxy's error page): keep the status
  }
  if (!response.ok) {
    throw new ApiError(response.status, json);
  }
  return json;
}
