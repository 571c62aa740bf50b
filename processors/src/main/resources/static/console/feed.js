import { api } from './api.js';

// One poll of the camera list every 2 s, shared by every view that shows cameras.
const listeners = new Set();
let timer = null;
let onUnauthorized = () => {};

export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/** For the pages' own calls: a 401 signs the tab out (true), anything else is theirs to show (false). */
export function signOutIfUnauthorized(error) {
  if (error?.status === 401) {
    onUnauthorized(error);
    return true;
  }
  return false;
}

/** Calls listener(cameras, error) now and after every poll; returns the function that stops it. */
export function watchCameras(listener) {
  listeners.add(listener);
  if (listeners.size === 1) {
    poll();
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearTimeout(timer);
      timer = null;
    }
  };
}

/** Polls at once (after an add or remove), not 2 s later. */
export function pollNow() {
  if (listeners.size > 0) {
    poll();
  }
}

async function poll() {
  clearTimeout(timer);
  let cameras = null;
  let error = null;
  try {
    cameras = (await api('GET', '/api/stream/cameras/status')).cameras;
  } catch (e) {
    if (e.status === 401) {
      onUnauthorized(e);
      return;
    }
    error = e;
  }
  if (listeners.size === 0) {
    return;
  }
  listeners.forEach((listener) => listener(cameras, error));
  clearTimeout(timer);
  timer = setTimeout(poll, 2000);
}
