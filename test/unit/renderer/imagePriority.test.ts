import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withImagePriority, yieldToImages } from '../../../src/renderer/imagePriority';

describe('image priority', () => {
  it('a view that yields waits until the output image being drawn is done, and then goes on', async () => {
    const order: string[] = [];
    const push = (step: string): number => order.push(step);
    let finish!: () => void;
    const image = withImagePriority(() => new Promise<string>((resolve) => (finish = () => resolve('png'))));
    const view = yieldToImages().then(() => push('view row'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(order.length, 0, 'the view waits while the image is drawn');
    push('image');
    finish();
    assert.equal(await image, 'png');
    await view;
    assert.deepEqual(order, ['image', 'view row']);
  });

  it('a failed image does not hold the view', async () => {
    await assert.rejects(withImagePriority(() => Promise.reject(new Error('no canvas'))));
    await yieldToImages();
  });
});
