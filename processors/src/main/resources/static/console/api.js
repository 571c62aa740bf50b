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
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      keepalive: options.keepalive === true, cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, { error: 'network', message: 'The server cannot be reached' });
  }
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
