import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { leavesFolder, pathsOutsideFolder } from '../../../src/engine/data/workspacePaths';

const FOLDER = '/home/ana/project';

describe('files outside the notebook\'s workspace folder', () => {
  it('absolute paths and names that climb out of the folder leave it; names inside it do not', () => {
    const notebookFolder = `${FOLDER}/notebooks`;
    assert.equal(leavesFolder('data.R', notebookFolder, FOLDER), false);
    assert.equal(leavesFolder('sub/data.R', notebookFolder, FOLDER), false);
    assert.equal(leavesFolder('../data/y.csv', notebookFolder, FOLDER), false, 'up from the notebook, still in the workspace');
    assert.equal(leavesFolder('../../secret.R', notebookFolder, FOLDER), true);
    assert.equal(leavesFolder('../../project/data.R', notebookFolder, FOLDER), false, 'out and back in');
    assert.equal(leavesFolder('../../project-old/data.R', notebookFolder, FOLDER), true, 'a sibling folder whose name starts alike');
    assert.equal(leavesFolder('/etc/passwd', notebookFolder, FOLDER), true);
    assert.equal(leavesFolder(`${FOLDER}/data.R`, notebookFolder, FOLDER), true, 'an absolute path, even inside, is refused: the rule is about how the cell names it');
    assert.equal(leavesFolder('..', notebookFolder, `${FOLDER}/notebooks`), true);
    assert.equal(leavesFolder('x.R', undefined, FOLDER), false, 'an unsaved notebook reads no relative name');
  });

  it('names each such file at its place in the cell, quoting only the name', () => {
    const source = 'model { mu ~ dnorm(0, 1) }\ndata from "../../etc/passwd.R"\ninits from "inits.R"\ndata from "/etc/shadow.R"\n';
    const problems = pathsOutsideFolder(source, `${FOLDER}/nb`, FOLDER);
    assert.deepEqual(problems.map((p) => p.message), [
      "'../../etc/passwd.R' is outside the notebook's workspace folder: reading it needs a trusted workspace.",
      "'/etc/shadow.R' is outside the notebook's workspace folder (an absolute path): reading it needs a trusted workspace.",
    ]);
    assert.deepEqual(problems.map((p) => source.slice(p.range.start.offset, p.range.end.offset)), ['"../../etc/passwd.R"', '"/etc/shadow.R"']);
  });
});
