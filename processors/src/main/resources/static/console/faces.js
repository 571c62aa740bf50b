import { api, apiImageUrl } from './api.js';
import { signOutIfUnauthorized } from './feed.js';
import { photoPicker } from './photo-picker.js';

/**
 * The faces page: the enrolled people with their photos, enrolling a new person from photos
 * (dropped or chosen), adding photos to a person and deleting one after a confirmation. The API
 * decides whether a photo is usable (one face, big and sharp enough): its refusal is shown beside
 * the control that sent the photo.
 */
export function facesView(main) {
  const section = document.createElement('section');
  section.className = 'faces';
  section.setAttribute('aria-labelledby', 'faces-title');
  section.innerHTML = `
    <div class="heading"><h2 id="faces-title">Faces</h2></div>
    <p class="poll-error" id="faces-error" role="alert" hidden></p>
    <form id="enroll" novalidate aria-labelledby="enroll-title">
      <h3 id="enroll-title">Enroll a person</h3>
      <div class="field">
        <label for="enroll-name">Name</label>
        <input id="enroll-name" name="name" autocomplete="off" spellcheck="false" aria-describedby="enroll-name-error">
        <p class="field-error" id="enroll-name-error" role="alert" hidden></p>
      </div>
      <div class="field photos"></div>
      <p class="form-error" id="enroll-error" role="alert" hidden></p>
      <p class="form-done" id="enroll-done" role="status"></p>
      <button type="submit">Enroll</button>
    </form>
    <ul id="person-list" aria-label="Enrolled people"></ul>
    <p class="empty" hidden>Nobody is enrolled yet.</p>
    <dialog id="delete-dialog" aria-labelledby="delete-title">
      <form method="dialog">
        <h3 id="delete-title"></h3>
        <p>Their photos are deleted too, and cameras stop recognizing them from the next frame on.</p>
        <div class="buttons">
          <button value="cancel" autofocus>Cancel</button>
          <button value="delete" class="danger" id="delete-confirm">Delete</button>
        </div>
      </form>
    </dialog>`;
  main.append(section);

  const aborter = new AbortController();
  const photos = new PhotoUrls(aborter.signal);
  const form = section.querySelector('#enroll');
  const picker = photoPicker('enroll-images', 'Photos', 'Drop photos here, or');
  form.querySelector('.photos').append(picker.element);
  const list = section.querySelector('#person-list');
  const empty = section.querySelector('.empty');
  const listError = section.querySelector('#faces-error');
  const dialog = section.querySelector('#delete-dialog');

  const refresh = async () => {
    try {
      const { persons } = await api('GET', '/api/faces', undefined, { signal: aborter.signal });
      listError.hidden = true;
      render(list, persons, photos, { onAdd: addImages, onDelete: confirmDelete });
      empty.hidden = persons.length > 0;
    } catch (e) {
      failed(e, listError, 'The list could not be loaded: ');
    }
  };

  async function addImages(person, files, card, picker) {
    const done = card.querySelector('.person-done');
    done.textContent = '';
    const body = new FormData();
    files.forEach((f) => body.append('images', f, f.name));
    try {
      const answer = await api('POST', `/api/faces/${person.id}/images`, body, { signal: aborter.signal });
      await refresh();
      done.textContent = `${files.length === 1 ? '1 photo' : files.length + ' photos'} added: ${answer.person.images.length} in all.`;
    } catch (e) {
      if (!signOutIfUnauthorized(e) && e.name !== 'AbortError') {
        picker.showError(e.message);
      }
    }
  }

  function confirmDelete(person) {
    dialog.querySelector('h3').textContent = `Delete ${person.name} (id ${person.id})?`;
    dialog.returnValue = '';
    dialog.onclose = async () => {
      if (dialog.returnValue !== 'delete') {
        return;
      }
      try {
        await api('DELETE', `/api/faces/${person.id}`, undefined, { signal: aborter.signal });
      } catch (e) {
        failed(e, listError, `${person.name} could not be deleted: `);
      }
      refresh();
    };
    dialog.showModal();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const body = new FormData();
    body.append('name', form.elements.name.value.trim());
    picker.files().forEach((f) => body.append('images', f, f.name));
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const { person } = await api('POST', '/api/faces', body, { signal: aborter.signal });
      form.reset();
      picker.clear();
      form.querySelector('#enroll-done').textContent =
        `${person.name} enrolled (id ${person.id}) with ${person.images.length === 1 ? '1 photo' : person.images.length + ' photos'}.`;
      await refresh();
    } catch (e) {
      if (e.name !== 'AbortError') {
        showEnrollError(form, picker, e);
      }
    } finally {
      button.disabled = false;
    }
  });

  refresh();
  return () => {
    aborter.abort();
    photos.revokeAll();
    section.remove();
  };
}

/** Shows a refusal on its line; a 401 signs the tab out instead. */
function failed(error, line, prefix) {
  if (error.name === 'AbortError') {
    return;
  }
  if (signOutIfUnauthorized(error)) {
    return;
  }
  line.textContent = prefix + error.message;
  line.hidden = false;
}

function clearErrors(form) {
  form.querySelectorAll('.field-error, .form-error').forEach((p) => { p.hidden = true; p.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((input) => input.removeAttribute('aria-invalid'));
  form.querySelector('#enroll-done').textContent = '';
}

// The enrollment API names no `field`; its messages start with what they are about: "name ..."
// for the name, "image <n> ..." (or the missing/too many images) for the photos.
function showEnrollError(form, picker, error) {
  if (signOutIfUnauthorized(error)) {
    return;
  }
  const field = error.field ?? (/^name\b/.test(error.message) ? 'name'
    : /^(image|at least one image|at most)/.test(error.message) ? 'images' : null);
  if (field === 'name') {
    const input = form.elements.name;
    const line = form.querySelector('#enroll-name-error');
    line.textContent = error.message;
    line.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  } else if (field === 'images') {
    picker.showError(error.message);
  } else {
    const line = form.querySelector('#enroll-error');
    line.textContent = error.message;
    line.hidden = false;
  }
}

// Cards are updated in place, keyed by person id, so focus and object URLs survive a refresh.
function render(list, persons, photos, actions) {
  const cards = new Map([...list.children].map((li) => [li.dataset.person, li]));
  const kept = new Set();
  persons.forEach((person) => {
    let card = cards.get(String(person.id));
    cards.delete(String(person.id));
    if (!card) {
      card = newCard(person, actions);
    }
    card.querySelector('.name').textContent = person.name;
    card.querySelector('.count').textContent = person.images.length === 1 ? '1 photo' : `${person.images.length} photos`;
    const strip = card.querySelector('.photos-strip');
    const items = new Map([...strip.children].map((li) => [li.dataset.image, li]));
    person.images.forEach((image, i) => {
      const key = `${person.id}/${image.image_id}`;
      kept.add(key);
      let item = items.get(String(image.image_id));
      items.delete(String(image.image_id));
      if (!item) {
        item = document.createElement('li');
        item.dataset.image = image.image_id;
        const img = document.createElement('img');
        img.alt = `Photo ${i + 1} of ${person.name} (${image.file_name ?? 'no file name'})`;
        img.title = `${image.file_name ?? ''} ${image.width}×${image.height}, face score ${image.face.score}`.trim();
        img.width = 96;
        img.height = 96;
        item.append(img);
        photos.load(key, `/api/faces/${person.id}/images/${image.image_id}`, img);
      }
      strip.append(item);
    });
    items.forEach((item) => item.remove());
    list.append(card); // keeps the server's order
  });
  cards.forEach((card) => card.remove());
  photos.revokeAllBut(kept);
}

function newCard(person, actions) {
  const card = document.createElement('li');
  card.className = 'person';
  card.dataset.person = person.id;
  card.id = 'person-' + person.id;
  card.innerHTML = `
    <div class="person-head">
      <h3 class="name"></h3>
      <span class="id">id ${person.id}</span>
      <span class="count"></span>
    </div>
    <ul class="photos-strip" aria-label="Photos"></ul>
    <p class="form-done person-done" role="status"></p>`;
  const picker = photoPicker(`person-${person.id}-images`, `Add photos of ${person.name}`, 'Drop photos here, or',
    (files) => actions.onAdd(person, files, card, picker));
  picker.element.classList.add('add-photos');
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'danger delete';
  remove.textContent = 'Delete';
  remove.setAttribute('aria-label', `Delete ${person.name}`);
  remove.addEventListener('click', () => actions.onDelete(person));
  card.querySelector('.person-head').append(remove);
  card.querySelector('.photos-strip').after(picker.element);
  return card;
}

/** The object URLs of the photos shown, by person/image: made once, revoked when gone. */
class PhotoUrls {
  constructor(signal) {
    this.signal = signal;
    this.urls = new Map();
  }

  async load(key, path, img) {
    try {
      const url = await apiImageUrl(path, { signal: this.signal });
      if (this.signal.aborted) {
        URL.revokeObjectURL(url);
        return;
      }
      this.urls.set(key, url);
      img.src = url;
    } catch (e) {
      if (!signOutIfUnauthorized(e) && e.name !== 'AbortError') {
        img.alt = `${img.alt}: ${e.message}`;
      }
    }
  }

  revokeAllBut(kept) {
    this.urls.forEach((url, key) => {
      if (!kept.has(key)) {
        URL.revokeObjectURL(url);
        this.urls.delete(key);
      }
    });
  }

  revokeAll() {
    this.revokeAllBut(new Set());
  }
}
