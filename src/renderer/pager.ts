/**
 * A long list of nodes shown a page at a time, with a filter box: a table or
 * a set of figures is never cut off silently (nor hidden behind a scroll area
 * whose scrollbar the notebook's webview may not show); the bar says which of
 * how many are shown. The controls stay hidden while everything fits on one
 * page and no filter is typed.
 */

export const TABLE_PAGE_SIZE = 50;

export class Pager {
  readonly root: HTMLElement;
  private readonly filterBox: HTMLInputElement;
  private readonly previous: HTMLButtonElement;
  private readonly next: HTMLButtonElement;
  private readonly count: HTMLElement;
  private page = 0;
  private pages = 1;

  /** `onChange` redraws the list after the user types a filter or turns a page; `noun` names the items ("nodes"). */
  constructor(
    doc: Document,
    private readonly pageSize: number,
    private readonly noun: string,
    private readonly onChange: () => void,
  ) {
    this.root = doc.createElement('div');
    this.root.className = 'latent-pager';
    this.filterBox = doc.createElement('input');
    this.filterBox.type = 'search';
    this.filterBox.placeholder = `filter ${noun}`;
    this.filterBox.setAttribute('aria-label', `Filter the ${noun} by name`);
    this.filterBox.addEventListener('input', () => {
      this.page = 0;
      this.onChange();
    });
    this.previous = this.button('‹ previous', () => this.turn(-1));
    this.next = this.button('next ›', () => this.turn(1));
    this.count = doc.createElement('span');
    this.count.className = 'latent-pager-count';
    this.root.append(this.filterBox, this.previous, this.next, this.count);
    this.root.hidden = true;
  }

  /** The text in the filter box. */
  get filter(): string {
    return this.filterBox.value;
  }

  set filter(text: string) {
    this.filterBox.value = text;
    this.page = 0;
  }

  /** The page of `items` to show now (those whose name contains the filter, case-insensitively); updates the bar. */
  select<T>(items: readonly T[], name: (item: T) => string): T[] {
    const needle = this.filterBox.value.trim().toLowerCase();
    const matching = needle ? items.filter((item) => name(item).toLowerCase().includes(needle)) : [...items];
    this.pages = Math.max(1, Math.ceil(matching.length / this.pageSize));
    this.page = Math.min(this.page, this.pages - 1);
    const start = this.page * this.pageSize;
    const shown = matching.slice(start, start + this.pageSize);
    this.root.hidden = !needle && items.length <= this.pageSize;
    this.previous.disabled = this.page === 0;
    this.next.disabled = this.page >= this.pages - 1;
    this.previous.hidden = this.next.hidden = this.pages < 2;
    this.count.textContent = countText(shown.length, start, matching.length, items.length, this.noun, needle);
    return shown;
  }

  private turn(step: number): void {
    const page = Math.max(0, Math.min(this.pages - 1, this.page + step));
    if (page === this.page) return;
    this.page = page;
    this.onChange();
  }

  private button(text: string, onClick: () => void): HTMLButtonElement {
    const button = this.root.ownerDocument.createElement('button');
    button.type = 'button';
    button.textContent = text;
    button.addEventListener('click', onClick);
    return button;
  }
}

/** "shown 51–100 of 240 nodes", "shown 3 of 240 nodes (3 match “mu”)". */
export function countText(shown: number, start: number, matching: number, total: number, noun: string, filter: string): string {
  const range = shown === 0 ? '0' : shown === matching ? String(shown) : shown === 1 ? `no. ${start + 1}` : `${start + 1}–${start + shown}`;
  const matches = filter ? ` (${matching} match “${filter}”)` : '';
  return `shown ${range} of ${total} ${noun}${matches}`;
}

export const PAGER_STYLES = `
.latent-run .latent-pager {
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 4px 8px;
  font-size: 0.92em;
  color: var(--vscode-descriptionForeground);
}
.latent-run .latent-pager[hidden],
.latent-run .latent-pager button[hidden] { display: none; }
.latent-run .latent-pager input {
  font: inherit;
  color: var(--vscode-input-foreground, inherit);
  background: var(--vscode-input-background, transparent);
  border: 1px solid var(--vscode-input-border, var(--vscode-editorWidget-border, rgba(128, 128, 128, 0.35)));
  padding: 1px 4px;
  width: 14em;
}
.latent-run .latent-pager button {
  font: inherit;
  color: var(--vscode-button-secondaryForeground, inherit);
  background: var(--vscode-button-secondaryBackground, transparent);
  border: 1px solid var(--vscode-button-border, transparent);
  padding: 1px 6px;
  cursor: pointer;
}
.latent-run .latent-pager button:disabled { opacity: 0.5; cursor: default; }
`;
