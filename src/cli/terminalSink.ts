import type { JobOutput } from '../engine/job/output';
import { outputMessages } from '../engine/job/output';
import type { CancelSignal, JobSink } from '../engine/job/sink';
import type { RunMessage } from '../engine/output/runOutput';
import { printable } from '../engine/language/messageText';

/**
 * A job's outputs on the terminal: no updates while it runs (so the engine
 * prepares none), then its final
 * output (`format`: the table or the JSON) on stdout, and the messages that
 * point into the model as file:line:column on stderr when it failed.
 * `exitCode` is 0 unless the model or the job failed (1).
 */
export class TerminalSink implements JobSink {
  exitCode = 0;

  constructor(
    private readonly file: string,
    private readonly format: (output: JobOutput) => string,
    private readonly out: (text: string) => void,
    private readonly err: (text: string) => void,
    private readonly beforePrint?: (output: JobOutput) => boolean,
  ) {}

  finish(output: JobOutput): void {
    if (this.beforePrint && !this.beforePrint(output)) {
      this.exitCode = 1;
      return;
    }
    this.out(this.format(output));
    if (output.output.status === 'failed') this.reportFailure(outputMessages(output).filter((m) => m.range));
  }

  fail(messages: RunMessage[], output?: JobOutput): void {
    // A job that failed after starting still prints its output (the table says what happened); problems in the document only their lines.
    if (output) this.out(this.format(output));
    this.reportFailure(output ? messages.filter((m) => m.range) : messages);
  }

  private reportFailure(messages: RunMessage[]): void {
    this.exitCode = 1;
    for (const m of messages) this.err(printable(`${this.file}:${m.range ? `${m.range.startLine + 1}:${m.range.startColumn + 1}:` : ''} ${m.severity}: ${m.message}`));
  }
}

let interrupted = false;

/** Whether Ctrl-C stopped a job: the command then exits with 130 (128 + SIGINT), as shells expect, after printing what it has. */
export function wasInterrupted(): boolean {
  return interrupted;
}

/** Ctrl-C cancels the job (its partial result is then printed as usual). */
export const interruptSignal: CancelSignal = {
  onCancel(cancel) {
    const onInterrupt = (): void => {
      interrupted = true;
      cancel();
    };
    process.once('SIGINT', onInterrupt);
    return { dispose: () => process.removeListener('SIGINT', onInterrupt) };
  },
};
