// The tables the pages poll (cameras, webhooks, deliveries, analytics): one row per item, keyed,
// updated in place so that a focused button in a row survives each poll. Each column's `label`
// also heads its value in the narrow (card) layout.

/** The header row: the columns, then (with `actions`) an unlabelled column for the rows' buttons. */
export function tableHead(columns, actions = true) {
  const cells = columns.map((c) => `<th scope="col">${c.label}</th>`).join('');
  const last = actions ? '<th scope="col"><span class="visually-hidden">Actions</span></th>' : '';
  return `<thead><tr>${cells}${last}</tr></thead>`;
}

/**
 * Shows `items` in `tbody`, in their order. `key(item)` names an item's row (its id is
 * `idPrefix + key`). A new row gets a cell per column and, when `actions` is given, an actions
 * cell that `actions(row, cell, item)` fills once. Every row then gets its columns'
 * `value(item)` and `update(row, item)`. Rows whose items are gone are removed.
 */
export function renderRows(tbody, items, { columns, key, idPrefix, actions, update }) {
  const rows = new Map([...tbody.rows].map((row) => [row.dataset.key, row]));
  items.forEach((item) => {
    const k = String(key(item));
    let row = rows.get(k);
    rows.delete(k);
    if (!row) {
      row = newRow(columns, k, idPrefix);
      if (actions) {
        const cell = row.insertCell();
        cell.className = 'actions';
        actions(row, cell, item);
      }
    }
    columns.forEach((column, i) => {
      const text = String(column.value(item));
      if (row.cells[i].textContent !== text) {
        row.cells[i].textContent = text;
      }
    });
    update?.(row, item);
    tbody.append(row);
  });
  rows.forEach((row) => row.remove());
}

function newRow(columns, key, idPrefix) {
  const row = document.createElement('tr');
  row.dataset.key = key;
  row.id = idPrefix + key;
  columns.forEach((column) => {
    const cell = row.insertCell();
    cell.dataset.label = column.label;
    cell.classList.add(column.key);
  });
  return row;
}

/** A button of a row, named for screen readers by `label` (several rows have the same text). */
export function rowButton(text, label, className, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

/** A link of a row that looks like a button, named for screen readers by `label`. */
export function rowLink(text, label, href, className = 'button') {
  const a = document.createElement('a');
  a.className = className;
  a.href = href;
  a.textContent = text;
  a.setAttribute('aria-label', label);
  return a;
}
