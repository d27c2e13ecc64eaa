import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitFindings } from '../../../src/engine/convergence/fitFindings';
import { placeOnDirective, placeOnStatements } from '../../../src/engine/convergence/placement';
import { bivariateMixture, FAR_THIRD, scalarMixture, TWO_GROUPS } from '../fit/degenerateModels';
import { fitSource } from '../fit/notebookFits';

/** A scalar two-component mixture whose rows are two groups of equal values: both variances collapse. */
const COLLAPSING = scalarMixture(2, '1, 1, 1, 5, 5, 5', 'inits list(w = c(0.5, 0.5), mu = c(1, 5), tau = c(1, 1))');
/** A bivariate mixture whose third component starts far from every row: it is empty (the mixture kernel says so). */
const EMPTY_THIRD = bivariateMixture(3, TWO_GROUPS, FAR_THIRD);

const lineOf = (text: string, line: number): string => text.split('\n')[line]!.trim();

describe('findings of real EM fits, placed on the statements', () => {
  it("puts a collapsed variance on the precision's statement in its loop, naming the element", async () => {
    const output = await fitSource(COLLAPSING);
    const { placed } = placeOnStatements(COLLAPSING, fitFindings(output));
    const collapsed = placed.filter((p) => p.code === 'collapsed-variance');
    assert.ok(collapsed.length > 0, JSON.stringify(output.messages));
    for (const p of collapsed) {
      assert.equal(lineOf(COLLAPSING, p.range.start.line), 'tau[k] ~ dgamma(1, 1)');
      assert.match(p.message, /^tau\[\d\]: the variance it describes collapsed to 0/);
    }
  });

  it("puts the mixture kernel's empty component on the indicator's statement", async () => {
    const output = await fitSource(EMPTY_THIRD);
    assert.ok(output.messages.some((m) => m.code === 'empty-component'), JSON.stringify(output.messages));
    const { placed } = placeOnStatements(EMPTY_THIRD, fitFindings(output));
    const empty = placed.find((p) => p.code === 'empty-component');
    assert.ok(empty, JSON.stringify(placed));
    assert.equal(lineOf(EMPTY_THIRD, empty.range.start.line), 'z[i] ~ dcat(w[])');
    assert.match(empty.message, /Component 3 is empty/);
  });

  it('says a fit stopped at its iteration limit on the run directive', async () => {
    const text = EMPTY_THIRD.replace('max.iter = 300', 'max.iter = 1');
    const output = await fitSource(text);
    assert.equal(output.status, 'max-iterations');
    const { unplaced } = placeOnStatements(text, fitFindings(output));
    const [onDirective] = placeOnDirective(text, unplaced.filter((f) => f.code === 'not-converged'));
    assert.ok(onDirective);
    assert.match(lineOf(text, onDirective.range.start.line), /^fit with em\(/);
  });
});
