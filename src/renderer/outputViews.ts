/**
 * One kind of output's views, by output id: VS Code renders the same id again
 * for each streamed update (the view is updated in place), may hand a fresh
 * element for it (a new view then), and disposes ids. Unreadable JSON or an
 * output the parser refuses becomes an error line instead of a view.
 */

import { renderError } from './runView';

export interface OutputView<T> {
  isAttachedTo(element: HTMLElement): boolean;
  update(output: T, signal?: AbortSignal): Promise<void>;
  dispose(): void;
}

export type Parsed<T> = { ok: true; output: T } | { ok: false; error: string };

export function outputViews<T>(what: string, parse: (raw: unknown) => Parsed<T>, create: (element: HTMLElement) => OutputView<T>) {
  const views = new Map<string, OutputView<T>>();
  const dispose = (id?: string): void => {
    for (const [key, view] of views) {
      if (id !== undefined && key !== id) continue;
      view.dispose();
      views.delete(key);
    }
  };
  return {
    async render(id: string, json: () => unknown, element: HTMLElement, signal: AbortSignal): Promise<void> {
      let parsed: Parsed<T>;
      try {
        parsed = parse(json());
      } catch (error) {
        parsed = { ok: false, error: `The ${what} output is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (signal.aborted) return;
      let view = views.get(id);
      if (view && !view.isAttachedTo(element)) {
        dispose(id);
        view = undefined;
      }
      if (!parsed.ok) {
        dispose(id);
        renderError(element, parsed.error);
        return;
      }
      if (!view) {
        view = create(element);
        views.set(id, view);
      }
      await view.update(parsed.output, signal);
    },
    dispose,
  };
}
