import * as vscode from 'vscode';
import type { JobOutput } from '../../engine/job/output';
import { describeProgress } from '../../engine/job/progress';
import { Cancellation, type CancelSignal, type JobSink } from '../../engine/job/sink';

interface RunningJob {
  label: string;
  progress: string;
  cancellation: Cancellation;
}

/**
 * Every job running in the window, cell or command: a status-bar item while
 * any runs (its progress; a click cancels it, or asks which when several
 * run), and the `latent.cancelJob` command.
 */
export class RunningJobs implements vscode.Disposable {
  private readonly jobs = new Map<number, RunningJob>();
  private readonly item = vscode.window.createStatusBarItem('latent.jobs', vscode.StatusBarAlignment.Left, 100);
  private readonly command: vscode.Disposable;
  private next = 0;

  constructor() {
    this.item.name = 'Latent jobs';
    this.item.command = 'latent.cancelJob';
    this.command = vscode.commands.registerCommand('latent.cancelJob', () => this.pickAndCancel());
  }

  /** Follows a job: the sink to feed its outputs to, and the signal that cancels it from the status bar. */
  track(label: string): { sink: JobSink; signal: CancelSignal } {
    const id = this.next++;
    const job: RunningJob = { label, progress: 'starting', cancellation: new Cancellation() };
    const end = (): void => {
      this.jobs.delete(id);
      this.refresh();
    };
    const sink: JobSink = {
      show: (o: JobOutput) => {
        if (!this.jobs.has(id)) this.jobs.set(id, job);
        job.progress = describeProgress(o).message;
        this.refresh();
      },
      finish: end,
      fail: end,
    };
    return { sink, signal: job.cancellation };
  }

  /** Cancels every running job (the e2e test and a window closing). */
  cancelAll(): void {
    for (const job of this.jobs.values()) job.cancellation.cancel();
  }

  private async pickAndCancel(): Promise<void> {
    const jobs = [...this.jobs.values()];
    if (jobs.length <= 1) {
      jobs[0]?.cancellation.cancel();
      return;
    }
    const picked = await vscode.window.showQuickPick(
      jobs.map((job) => ({ label: job.label, description: job.progress, job })),
      { title: 'Cancel which Latent job?', canPickMany: true },
    );
    for (const p of picked ?? []) p.job.cancellation.cancel();
  }

  private refresh(): void {
    const jobs = [...this.jobs.values()];
    if (jobs.length === 0) {
      this.item.hide();
      return;
    }
    const first = jobs[0]!;
    this.item.text = jobs.length === 1 ? `$(loading~spin) Latent: ${first.label} · ${first.progress}` : `$(loading~spin) Latent: ${jobs.length} jobs running`;
    this.item.tooltip = `${jobs.map((j) => `${j.label}: ${j.progress}`).join('\n')}\n\nClick to cancel.`;
    this.item.show();
  }

  dispose(): void {
    this.cancelAll();
    this.item.dispose();
    this.command.dispose();
  }
}
