/**
 * The static image goes before the live view. The host holds a run's cell
 * open only briefly for its image, while the view may still be drawing the
 * run's last live updates: many Plotly calls that keep the webview's thread
 * busy, so that the host's request would wait behind them. The view yields
 * between rows (`yieldToImages`), which lets the request in, and then waits
 * while an image is being drawn.
 */

const drawing = new Set<Promise<unknown>>();

/** Runs `work` (drawing an output image) with priority over the views' drawing. */
export function withImagePriority<T>(work: () => Promise<T>): Promise<T> {
  const running = work();
  const settled = running.then(
    () => undefined,
    () => undefined,
  );
  drawing.add(settled);
  void settled.then(() => drawing.delete(settled));
  return running;
}

/** Lets queued messages (an image request) in, then waits until no image is being drawn. */
export async function yieldToImages(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  while (drawing.size > 0) await Promise.all([...drawing]);
}
