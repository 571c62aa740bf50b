import { api, apiKey } from './api.js';

/**
 * Sign-in: the key is tried on a real API call before it is kept, so a wrong key is refused
 * here with the server's answer, not later on some other page.
 */
export function signInView(main, onSignedIn, notice) {
  const section = document.createElement('section');
  section.className = 'signin';
  section.setAttribute('aria-labelledby', 'signin-title');
  section.innerHTML = `
    <h2 id="signin-title">Sign in</h2>
    <form id="signin" novalidate>
      <label for="signin-key">API key</label>
      <input id="signin-key" name="key" type="password" autocomplete="current-password" spellcheck="false"
             aria-describedby="signin-error signin-hint">
      <p class="form-error" id="signin-error" role="alert" hidden></p>
      <button type="submit">Sign in</button>
      <p class="hint" id="signin-hint">One of the server’s <code>lenswire.security.api-keys</code> (or the
        generated <code>&lt;data-dir&gt;/api-key</code>). It is kept in this browser tab only, until the tab closes
        or you sign out.</p>
    </form>`;
  main.append(section);
  const form = section.querySelector('form');
  const input = form.elements.key;
  const error = section.querySelector('#signin-error');
  const show = (message) => {
    error.textContent = message;
    error.hidden = !message;
    if (message) {
      input.setAttribute('aria-invalid', 'true');
    } else {
      input.removeAttribute('aria-invalid');
    }
  };
  show(notice || '');
  input.focus();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      show('Enter an API key.');
      return;
    }
    try {
      await api('GET', '/api/stream/cameras/status', undefined, { key });
    } catch (e) {
      show(e.status === 401 ? `This API key was refused: ${e.message}` : `Cannot sign in: ${e.message}`);
      input.select();
      return;
    }
    apiKey.set(key);
    onSignedIn();
  });
  return () => section.remove();
}
