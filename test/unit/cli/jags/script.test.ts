import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScript, type ScriptCommand } from '../../../../src/cli/jags/script';
import { assertRangeInText, modelErrorOf, textOf } from '../../engine/helpers';

/** The commands without their ranges, for comparing with what a script says. */
function shapes(commands: ScriptCommand[]): unknown[] {
  return commands.map((c) => JSON.parse(JSON.stringify(c, (key, value: unknown) => (key === 'range' || key === 'moduleRange' ? undefined : value))) as unknown);
}

/** The problems of a bad script as `line:column: message` (1-based, as the CLI prints them), with their ranges checked. */
function problemsOf(text: string): string[] {
  return modelErrorOf(() => parseScript(text)).map((p) => {
    assertRangeInText(p.range, text, p.message);
    return `${p.range.start.line + 1}:${p.range.start.column + 1}: ${p.message}`;
  });
}

describe('JAGS script parser', () => {
  it('reads every command of the classic scripts, with comments of both kinds', () => {
    const text = `/* Pumps:
   a classic example */
model in "pump.bug"   # the model
data in data.R
compile, nchains(2)
parameters in "inits1.R", chain(1)
inits in "inits2.R", chain(2)
parameters in "all.R"
initialize
adapt 500, by(100)
update 1000
load dic; load glm
monitor theta
monitor b[1,2], thin(10)
monitor set mu[2:3], type(trace)
monitor deviance
update 5000
monitor clear theta
coda *
coda alpha, stem(out/A)
samplers to "samplers.txt"
data to "d.R"
parameters to "p.R", chain(2)
unload glm
model clear
exit
`;
    assert.deepEqual(shapes(parseScript(text)), [
      { kind: 'model in', file: { path: 'pump.bug' } },
      { kind: 'data in', file: { path: 'data.R' } },
      { kind: 'compile', chains: 2 },
      { kind: 'parameters in', file: { path: 'inits1.R' }, chain: 1 },
      { kind: 'parameters in', file: { path: 'inits2.R' }, chain: 2 },
      { kind: 'parameters in', file: { path: 'all.R' } },
      { kind: 'initialize' },
      { kind: 'adapt', iterations: 500 },
      { kind: 'update', iterations: 1000 },
      { kind: 'load', module: 'dic' },
      { kind: 'load', module: 'glm' },
      { kind: 'monitor', target: { name: 'theta' }, thin: 1 },
      { kind: 'monitor', target: { name: 'b', ranges: [[1, 1], [2, 2]] }, thin: 10 },
      { kind: 'monitor', target: { name: 'mu', ranges: [[2, 3]] }, thin: 1 },
      { kind: 'monitor', target: { name: 'deviance' }, thin: 1 },
      { kind: 'update', iterations: 5000 },
      { kind: 'monitor clear', target: { name: 'theta' } },
      { kind: 'coda', stem: 'CODA' },
      { kind: 'coda', target: { name: 'alpha' }, stem: 'out/A' },
      { kind: 'samplers to', file: { path: 'samplers.txt' } },
      { kind: 'data to', file: { path: 'd.R' } },
      { kind: 'parameters to', file: { path: 'p.R' }, chain: 2 },
      { kind: 'unload', module: 'glm' },
      { kind: 'model clear' },
      { kind: 'exit' },
    ]);
  });

  it('gives each command the range of its text, and compile one chain by default', () => {
    const text = 'model in "m.bug"\n  compile\nmonitor b[1, 2] , thin(10)  # kept every 10th\n';
    const commands = parseScript(text);
    assert.deepEqual(commands.map((c) => textOf(text, c.range)), ['model in "m.bug"', 'compile', 'monitor b[1, 2] , thin(10)']);
    assert.deepEqual(commands[1], { kind: 'compile', chains: 1, range: commands[1]!.range });
    const monitor = commands[2]!;
    assert.ok(monitor.kind === 'monitor');
    assert.equal(textOf(text, monitor.target.range), 'b[1, 2]');
  });

  it('reports an unknown command at its line and column, with a suggestion', () => {
    assert.deepEqual(problemsOf('model in "m.bug"\n\n   intialize\n'), [
      "3:4: Unknown command 'intialize'. Did you mean 'initialize'? Commands: model in, data in, compile, parameters in, initialize, update, adapt, monitor, coda, load, exit.",
    ]);
  });

  it('reports every bad command of a script, each at its place, and reads on after each', () => {
    const text = ['update', 'monitor x, thinn(2)', 'compile, nchains(0)', 'coda b[1,]', 'data from "d.R"', 'update 10 20', 'model in "m.bug"'].join('\n');
    assert.deepEqual(problemsOf(text), [
      "1:7: 'update' needs a number of iterations, as in update 1000. Found the end of the line.",
      "2:12: Expected thin(…) or type(…) here, found 'thinn'. Did you mean 'thin'?",
      "3:18: nchains(…) takes a whole number ≥ 1. Found '0'.",
      "4:10: An index is a whole number ≥ 1 or a range a:b. Found ']'.",
      "5:6: Expected 'data in' or 'data to', found 'from'.",
      "6:11: Unexpected '20' after the 'update' command.",
    ]);
  });

  it('reports comments and strings left open', () => {
    assert.deepEqual(problemsOf('model in "m.bug\ncompile\n/* never closed\nupdate 10\n'), [
      '1:10: This string is never closed: add " before the end of the line.',
      "3:1: This comment is never closed: add '*/'.",
    ]);
  });

  it('accepts only trace monitors', () => {
    assert.deepEqual(problemsOf('monitor x, type(mean)'), ['1:17: Only trace monitors are kept: type(trace), not type(mean).']);
  });
});
