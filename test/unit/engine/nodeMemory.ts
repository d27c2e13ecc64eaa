/**
 * Child process of nodeMemory.test.ts: compiles the probit model at the
 * number of rows given (with one predictive replicate), sets its starts and
 * assigns its samplers as a chain does (what a chain keeps for its life), and prints the live heap in bytes after a full
 * garbage collection. Run with --expose-gc.
 */
import { probitData, probitValues, PROBIT_MODEL } from '../../../scripts/probitData';
import { assignSamplers } from '../../../src/engine/inference/gibbs';
import { setInitialValues } from '../../../src/engine/inference/initialValues';
import { parseDocument } from '../../../src/engine/language/parser';
import { compileModel } from '../../../src/engine/model/compile';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const rows = Number(process.argv[2]);
// One predictive node (a replicate of the first row, with no observed descendant), as a chain's sampler assignment
// meets in many models: pruning it from its parents' children must not make a list for every latent row.
const document = parseDocument(PROBIT_MODEL.replace(/\n\}\n$/, '\n  zrep ~ dnorm(inprod(X[1, ], beta[]), 1)\n}\n')).document;
if (!document.model!.statements.some((s) => s.kind === 'stochastic' && s.target.name === 'zrep')) throw new Error('the replicate was not added');
const data = probitData(rows, 3, 1);
const values = probitValues(data);
gc();
const before = process.memoryUsage().heapUsed;
const graph = compileModel(document, values);
setInitialValues(graph, new Map([['beta', { values: new Float64Array(3), dims: [3] }], ['z', { values: data.z, dims: [rows] }]]), document.model!.range);
const samplers = assignSamplers(graph, { forwardSamplePredictive: true });
gc();
const after = process.memoryUsage().heapUsed;
console.log(JSON.stringify({ stochastic: graph.stochastic.length, samplers: samplers.length, bytes: after - before }));
