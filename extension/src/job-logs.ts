import { MainAreaWidget } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import { ControlSequenceStripper } from './control-sequences';
import { requestScheduler } from './request';

/** A job's log, streamed from `GET /jobs/{id}/logs?follow=true` until the job ends or the tab closes. */
export class JobLogView extends Widget {
  constructor(
    readonly jobId: number,
    private readonly trans: TranslationBundle,
  ) {
    super();
    this.addClass('dofc-Logs');
    this.node.append(this.text);
    void this.follow();
  }

  dispose(): void {
    this.abort.abort();
    super.dispose();
  }

  private async follow(): Promise<void> {
    try {
      const response = await requestScheduler(`jobs/${this.jobId}/logs?follow=true`, { signal: this.abort.signal });
      if (response.body === null) return;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      // Kernel tracebacks carry colour codes, which a <pre> would show as noise.
      const stripper = new ControlSequenceStripper();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.text.textContent += stripper.push(decoder.decode(value, { stream: true }));
        this.node.scrollTop = this.node.scrollHeight;
      }
      this.text.textContent += stripper.push(decoder.decode()) + stripper.end();
    } catch (error) {
      if (this.abort.signal.aborted) return;
      this.text.textContent += `\n${this.trans.__('Reading the log failed: %1', error instanceof Error ? error.message : String(error))}\n`;
    }
  }

  private readonly abort = new AbortController();
  private readonly text = document.createElement('pre');
}

export function createLogWidget(jobId: number, trans: TranslationBundle): MainAreaWidget<JobLogView> {
  const widget = new MainAreaWidget({ content: new JobLogView(jobId, trans) });
  widget.id = `dofc-logs-${jobId}`;
  widget.title.label = trans.__('Job %1 log', jobId);
  widget.title.closable = true;
  return widget;
}
