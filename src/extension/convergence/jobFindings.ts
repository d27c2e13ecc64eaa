// What one cell's job outputs say, placed in the text of the notebook's cells.
// No `vscode` import: the cells are given as plain texts, so that it runs (and
// is tested) in plain Node; findingStore.ts feeds it the notebook's cells.
import { fitFindings } from '../../engine/convergence/fitFindings';
import { runFindings, sbcFindings, type Finding } from '../../engine/convergence/findings';
import { placeOnDirective, placeOnStatements, type PlacedFinding, type QuotedResults } from '../../engine/convergence/placement';
import { parseDocument } from '../../engine/language/parser';
import { FIT_OUTPUT_MIME, FIT_OUTPUT_SCHEMA, type FitOutput, type FitParameter, type VariationalNode } from '../../engine/output/fitOutput';
import { RUN_OUTPUT_MIME, RUN_OUTPUT_SCHEMA, type NodeResult, type RunOutput } from '../../engine/output/runOutput';
import { definedModelName, referencedModel } from '../../engine/run/namedModels';
import { SBC_OUTPUT_MIME, SBC_OUTPUT_SCHEMA, type SbcOutput } from '../../engine/sbc/sbcOutput';

export type JobOutput = { kind: 'run'; output: RunOutput } | { kind: 'fit'; output: FitOutput } | { kind: 'sbc'; output: SbcOutput };

const SCHEMAS: Record<string, { kind: JobOutput['kind']; schema: string }> = {
  [RUN_OUTPUT_MIME]: { kind: 'run', schema: RUN_OUTPUT_SCHEMA },
  [FIT_OUTPUT_MIME]: { kind: 'fit', schema: FIT_OUTPUT_SCHEMA },
  [SBC_OUTPUT_MIME]: { kind: 'sbc', schema: SBC_OUTPUT_SCHEMA },
};

/** A job's output from one output item, if it is one of ours in a schema we read (saved outputs may be older). */
export function readJobOutput(mime: string, data: Uint8Array): JobOutput | undefined {
  const known = SCHEMAS[mime];
  if (!known) return undefined;
  try {
    const output = JSON.parse(new TextDecoder().decode(data)) as { schema?: unknown };
    if (output.schema !== known.schema) return undefined;
    return { kind: known.kind, output } as JobOutput;
  } catch {
    return undefined;
  }
}

/** A notebook cell as far as placing findings goes: its key (URI) and text. */
export interface CellText {
  key: string;
  text: string;
}

/** The results one job left for the model text: by scalar name, for hovers and inlay hints. */
export interface ModelResults {
  kind: JobOutput['kind'];
  run?: ReadonlyMap<string, NodeResult>;
  /** A fit's estimates by element name, with their standard errors when the fit gave them. */
  fit?: ReadonlyMap<string, FitParameter>;
  /** What the fit's SEs are (fitOutput.ts). */
  standardErrors?: FitOutput['standardErrors'];
  /** A VI fit's factors q by element name: family, moments and q's own parameters. */
  variational?: ReadonlyMap<string, VariationalNode>;
}

export interface JobSettings {
  verb: 'sample' | 'fit' | 'calibrate';
  chains?: number;
  burnin?: number;
  iterations?: number;
  maxIterations?: number;
  sweeps?: number;
}

export interface CellPlacement {
  /** The cell whose text the finding points into. */
  target: string;
  finding: PlacedFinding;
  /** The cell whose run directive the quick fixes edit. */
  directive: string;
  /** What the job was asked for, so that quick fixes can ask for more. */
  settings: JobSettings;
}

/** Everything one cell's job outputs give: findings placed in cells, and the results for the model's cell. */
export interface JobFindings {
  /** The cell that ran (its directive is where run options are edited). */
  producer: string;
  /** The cell holding the model the job ran (the producer, or the cell that defines the named model). */
  model: string;
  placements: CellPlacement[];
  results: ModelResults[];
}

/**
 * Places the findings of `outputs` (the job outputs of `cells[index]`): on the
 * statements of the model the job ran (the cell's own, or the nearest cell
 * above that defines the model it names), the rest on the cell's run directive.
 */
export function placeJobFindings(cells: readonly CellText[], index: number, outputs: readonly JobOutput[]): JobFindings | undefined {
  const producer = cells[index];
  if (!producer || outputs.length === 0) return undefined;
  const model = modelCell(cells, index) ?? producer;
  const placements: CellPlacement[] = [];
  const results: ModelResults[] = [];
  for (const job of outputs) {
    const quoted: QuotedResults = {};
    const settings = jobSettings(job);
    let findings: Finding[];
    if (job.kind === 'run') {
      findings = runFindings(job.output);
      quoted.run = new Map(job.output.nodes.map((n) => [n.name, n]));
      if (job.output.status !== 'running') results.push({ kind: 'run', run: quoted.run });
    } else if (job.kind === 'sbc') {
      findings = sbcFindings(job.output);
      quoted.sbc = new Map(job.output.nodes.map((n) => [n.name, n]));
    } else {
      findings = fitFindings(job.output);
      const out = job.output;
      if (out.status !== 'running') {
        results.push({
          kind: 'fit',
          fit: new Map(out.params.map((p) => [p.name, p])),
          ...(out.standardErrors ? { standardErrors: out.standardErrors } : {}),
          ...(out.variational ? { variational: new Map(out.variational.nodes.map((n) => [n.name, n])) } : {}),
        });
      }
    }
    const { placed, unplaced } = placeOnStatements(model.text, findings, quoted);
    const place = (target: string) => (finding: PlacedFinding): CellPlacement => ({ target, finding, directive: producer.key, settings });
    placements.push(...placed.map(place(model.key)));
    placements.push(...placeOnDirective(producer.text, unplaced, quoted).map(place(producer.key)));
  }
  return { producer: producer.key, model: model.key, placements, results };
}

/** The settings behind a job output, for the quick fixes. */
export function jobSettings(job: JobOutput): JobSettings {
  if (job.kind === 'run') return { verb: 'sample', ...job.output.settings };
  if (job.kind === 'sbc') return { verb: 'calibrate', burnin: job.output.settings.burnin };
  return { verb: 'fit', maxIterations: job.output.settings.maxIterations, ...(job.output.settings.sweeps !== undefined ? { sweeps: job.output.settings.sweeps } : {}) };
}

function modelCell(cells: readonly CellText[], index: number): CellText | undefined {
  const own = cells[index]!;
  if (parseDocument(own.text).document.model) return own;
  const reference = referencedModel(own.text);
  if (!reference) return undefined;
  return cells
    .slice(0, index)
    .reverse()
    .find((c) => definedModelName(c.text) === reference.name);
}
