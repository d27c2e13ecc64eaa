/** A renderer activated before each test of a file, with every output disposed and the page emptied after each. */

import { document } from './dom';
import assert from 'node:assert/strict';
import { afterEach, beforeEach } from 'node:test';
import type { RendererApi } from 'vscode-notebook-renderer';
import { activate } from '../../../src/renderer/index';
import { fakeContext } from './fixtures';

/** Call at the top level of a test file; the returned function gives the current test's renderer. */
export function activatedRenderer(): () => RendererApi {
  let api: RendererApi | undefined;
  beforeEach(async () => {
    const activated = await activate(fakeContext());
    assert.ok(activated);
    api = activated;
  });
  afterEach(() => {
    api?.disposeOutputItem?.();
    document.body.replaceChildren();
  });
  return () => api!;
}
