/**
 * Photos to upload, dropped on a zone or chosen with its file input (the keyboard way). With
 * `onFiles`, each drop or choice is handed over at once (adding photos to a person); without,
 * they are collected until the form is sent (enrolling). Its error line is where the API's
 * refusal of these photos is shown.
 */
export function photoPicker(id, label, dropText, onFiles) {
  const element = document.createElement('div');
  element.className = 'picker';
  element.innerHTML = `
    <label for="${id}">${label}</label>
    <div class="dropzone" id="${id}-drop">
      <span class="drop-text">${dropText}</span>
      <input type="file" id="${id}" multiple accept="image/jpeg,image/png" aria-describedby="${id}-error">
    </div>
    <ul class="chosen" id="${id}-chosen" aria-label="Chosen photos" hidden></ul>
    <p class="field-error" id="${id}-error" role="alert" hidden></p>`;
  const input = element.querySelector('input');
  const zone = element.querySelector('.dropzone');
  const chosen = element.querySelector('.chosen');
  const error = element.querySelector('.field-error');
  let files = [];

  const clearError = () => {
    error.hidden = true;
    error.textContent = '';
    input.removeAttribute('aria-invalid');
  };
  const take = (list) => {
    const picked = [...list];
    if (picked.length === 0) {
      return;
    }
    clearError();
    if (onFiles) {
      onFiles(picked);
      return;
    }
    files = files.concat(picked);
    chosen.replaceChildren(...files.map((f) => {
      const li = document.createElement('li');
      li.textContent = f.name;
      return li;
    }));
    chosen.hidden = false;
  };

  input.addEventListener('change', () => {
    take(input.files);
    input.value = ''; // the same file can be chosen again
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    take(event.dataTransfer.files);
  });

  return {
    element,
    files: () => files,
    clear() {
      files = [];
      chosen.replaceChildren();
      chosen.hidden = true;
      clearError();
    },
    clearError,
    showError(message) {
      error.textContent = message;
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    },
  };
}
