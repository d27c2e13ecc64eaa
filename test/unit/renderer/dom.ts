/**
 * A JSDOM window installed as the global browser environment. Import this
 * module before anything that loads Plotly: the Plotly bundle touches
 * `window`, `self` and `document` when it is loaded.
 */

import { JSDOM } from 'jsdom';

export const dom = new JSDOM('<!doctype html><html><head></head><body class="vscode-dark"></body></html>', {
  pretendToBeVisual: true,
  url: 'https://notebook.test/',
});

export const window = dom.window;
export const document = window.document;

const globals = globalThis as unknown as Record<string, unknown>;
for (const key of Object.getOwnPropertyNames(window)) {
  if (key in globals) {
    continue; // keep Node's own (timers, URL, Event, AbortController, ...)
  }
  try {
    const value = (window as unknown as Record<string, unknown>)[key];
    globals[key] = typeof value === 'function' && /^[a-z]/.test(key) ? (value as (...args: unknown[]) => unknown).bind(window) : value;
  } catch {
    // a few accessors throw outside a browsing context; not needed
  }
}
globals.window = window;
globals.self = window;

/** Sets VS Code-like theme variables on <html>, as the notebook webview does. */
export function setThemeVariables(variables: Record<string, string>): void {
  for (const [name, value] of Object.entries(variables)) {
    document.documentElement.style.setProperty(name, value);
  }
}

/** A fresh output element attached to the document, as VS Code hands to renderOutputItem. */
export function outputElement(): HTMLElement {
  const element = document.createElement('div');
  element.className = 'output';
  document.body.append(element);
  return element;
}

/** Waits for pending animation frames and timers (theme and resize handling run in a frame). */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => window.requestAnimationFrame(() => setTimeout(resolve, 0)));
}
