// The DOM must be installed before the renderer (and the Plotly bundle in it) loads.
import { outputElement } from './dom';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RendererContext } from 'vscode-notebook-renderer';
import { wantsRendererImage } from '../../../src/renderer/figureExport';
import { activate } from '../../../src/renderer/index';
import { fakeContext, makeOutput, outputItem } from './fixtures';

/** A renderer context with messaging: what the renderer posts, and a way to send it the host's messages. */
function messagingContext(): { context: RendererContext<unknown>; posted: unknown[]; receive: (message: unknown) => void } {
  const posted: unknown[] = [];
  let listener: ((message: unknown) => void) | undefined;
  const context = {
    ...fakeContext(),
    postMessage: (message: unknown) => void posted.push(message),
    onDidReceiveMessage: (l: (message: unknown) => void) => {
      listener = l;
      return { dispose: () => undefined };
    },
  } as RendererContext<unknown>;
  return { context, posted, receive: (message) => listener?.(message) };
}

/**
 * Whether the renderer set out to make the image of a finished output: it posts it, or (JSDOM has no
 * URL.createObjectURL for Plotly's toImage) logs that making it failed.
 */
async function attempted(render: () => void | Promise<void>, posted: unknown[], t: { mock: { method: typeof import('node:test').mock.method } }): Promise<boolean> {
  const logged = t.mock.method(console, 'error', () => undefined);
  try {
    await render();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return posted.some((m) => (m as { type?: string }).type === 'outputImage') || logged.mock.calls.some((c) => /output image/.test(String(c.arguments[0])));
  } finally {
    logged.mock.restore();
  }
}

describe("the renderer's static image", () => {
  it('is made only when the host asks for it (latent.outputs.staticImage = "renderer"): by default the host draws its own', async (t) => {
    const { context, posted, receive } = messagingContext();
    const api = await activate(context);
    assert.ok(api);
    assert.deepEqual(posted, [{ type: 'exportSettings?' }], 'the renderer asks for the settings');
    const render = (id: string) => () => api.renderOutputItem(outputItem(id, makeOutput()), outputElement(), new AbortController().signal);
    receive({ type: 'exportSettings', theme: 'editor', rendererImage: false });
    assert.equal(await attempted(render('run-1'), posted, t), false, 'not asked: no image made');
    receive({ type: 'exportSettings', theme: 'editor', rendererImage: true });
    assert.equal(await attempted(render('run-2'), posted, t), true, 'asked: it makes one');
    receive({ type: 'exportSettings', theme: 'light' });
    assert.equal(wantsRendererImage(), false, 'a message without the field: not wanted');
    api.disposeOutputItem?.();
  });
});
