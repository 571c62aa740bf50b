import { signOutIfUnauthorized } from './feed.js';

/**
 * Runs task() now and again `ms` after each run ends (never two at once, so a slow server gets
 * no pile of requests). A 401 signs the tab out and stops; other errors go to onError(e), and
 * onError(null) after a run that worked; polling goes on. Returns { stop, now }.
 */
export function repeat(task, ms, onError = () => {}) {
  let stopped = false;
  let running = false;
  let again = false;
  let timer = null;
  const run = async () => {
    clearTimeout(timer);
    timer = null;
    running = true;
    again = false;
    let error = null;
    try {
      await task();
    } catch (e) {
      error = e;
    }
    running = false;
    if (stopped || signOutIfUnauthorized(error)) {
      return;
    }
    onError(error);
    if (stopped) {
      return; // onError may stop it
    }
    // an action during the run may not be in its answer: one more run at once
    timer = setTimeout(run, again ? 0 : ms);
  };
  run();
  return {
    stop: () => { stopped = true; clearTimeout(timer); },
    /** Polls at once (after an action), not `ms` later. */
    now: () => {
      if (stopped) {
        return;
      }
      if (running) {
        again = true;
      } else {
        run();
      }
    },
  };
}
