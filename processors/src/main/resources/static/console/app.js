import { apiKey } from './api.js';
import { whenUnauthorized } from './feed.js';
import { signInView } from './signin.js';
import { camerasView } from './cameras.js';
import { singleView, gridView } from './live.js';
import { facesView } from './faces.js';
import { eventsView } from './events.js';
import { webhooksView } from './webhooks.js';
import { analyticsView } from './analytics.js';

// Pages are hash routes (#/cameras, #/live/<id>, #/grid, #/faces, #/events, #/webhooks,
// #/analytics): the server serves one static page and the back button still works.
const main = document.querySelector('main');
const nav = document.querySelector('header nav');
let teardown = () => {};
// Pages whose view takes (main, optional argument from #/page/<arg>) and returns its teardown.
const PAGES = {
  faces: { title: 'Faces', view: facesView },
  events: { title: 'Events', view: eventsView },
  webhooks: { title: 'Webhooks', view: webhooksView },
  analytics: { title: 'Analytics', view: analyticsView },
};

function route(notice) {
  teardown();
  const signedIn = Boolean(apiKey.get());
  nav.hidden = !signedIn;
  if (!signedIn) {
    document.title = 'Sign in · Lenswire';
    teardown = signInView(main, () => route(), notice);
    return;
  }
  const [, page, arg] = location.hash.split('/');
  if (page === 'live' && arg) {
    const id = decodeURIComponent(arg);
    document.title = `${id} · Lenswire`;
    teardown = singleView(main, id);
  } else if (page === 'grid') {
    document.title = 'Live grid · Lenswire';
    teardown = gridView(main, arg && decodeURIComponent(arg));
  } else if (PAGES[page]) {
    document.title = `${PAGES[page].title} · Lenswire`;
    teardown = PAGES[page].view(main, arg === undefined ? undefined : decodeURIComponent(arg));
  } else {
    document.title = 'Cameras · Lenswire';
    teardown = camerasView(main);
  }
  nav.querySelectorAll('a').forEach((a) => {
    const current = a.getAttribute('href') === '#/' + (page === 'live' ? 'cameras' : page || 'cameras');
    if (current) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  });
}

// The views close first: their players end their sessions while the key is still there.
function signOut(notice) {
  teardown();
  teardown = () => {};
  apiKey.clear();
  route(notice);
}

// A key that stops working (removed from the server's configuration) signs the tab out.
whenUnauthorized((e) => signOut(`Signed out: the server refused the API key (${e.message}).`));
document.querySelector('#sign-out').addEventListener('click', () => signOut());
addEventListener('hashchange', () => route());
route();
