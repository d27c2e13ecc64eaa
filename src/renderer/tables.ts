/** Small tables of text cells (the fit's estimates, a run's model comparison). */

export function tableRow(doc: Document, cells: string[], tag: 'td' | 'th' = 'td'): HTMLTableRowElement {
  const tr = doc.createElement('tr');
  for (const text of cells) {
    const cell = doc.createElement(tag);
    cell.textContent = text;
    tr.append(cell);
  }
  return tr;
}

/** A `latent-summary` table with a header row, and its (empty) body. */
export function textTable(doc: Document, headers: string[]): { table: HTMLTableElement; body: HTMLElement } {
  const table = doc.createElement('table');
  table.className = 'latent-summary';
  const head = doc.createElement('thead');
  head.append(tableRow(doc, headers, 'th'));
  const body = doc.createElement('tbody');
  table.append(head, body);
  return { table, body };
}
