import type * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { TraceTimelinePanel } from './traceTimelinePanel';
import type { TimelineViewState } from '../../shared/timelineMessages';
import type { TimelinePanelDeps } from './traceTimelinePanel';
import type { TimelineSnapshot } from '../../shared/extensionApi';

/** The open timeline panels, one per trace id: opening a trace again reveals its panel. */
export class TimelinePanels extends Disposable {
  private readonly panels = new Map<string, TraceTimelinePanel>();

  constructor(private readonly deps: TimelinePanelDeps) {
    super();
  }

  open(traceId: string): void {
    const existing = this.panels.get(traceId);
    if (existing !== undefined) {
      existing.reveal();
      return;
    }
    this.adopt(TraceTimelinePanel.create(traceId, this.deps));
  }

  revive(panel: vscode.WebviewPanel, state: TimelineViewState): void {
    const existing = this.panels.get(state.traceId);
    if (existing !== undefined) {
      // Two restored tabs of one trace: keep the first.
      panel.dispose();
      return;
    }
    this.adopt(TraceTimelinePanel.revive(panel, state, this.deps));
  }

  /** Trace ids of the open panels, in the order they were opened. */
  ids(): string[] {
    return [...this.panels.keys()];
  }

  /** Trace id of the panel that is the active editor, if one is. */
  activeId(): string | undefined {
    return [...this.panels.values()].find((panel) => panel.active)?.traceId;
  }

  /** What the panel of `traceId` shows, if one is open (test API). */
  snapshot(traceId: string): TimelineSnapshot | undefined {
    return this.panels.get(traceId)?.snapshot();
  }

  /** Releases the panels without closing their tabs (see `TraceTimelinePanel.release`). */
  override dispose(): void {
    const open = [...this.panels.values()];
    this.panels.clear();
    for (const panel of open) {
      panel.release();
    }
    super.dispose();
  }

  private adopt(panel: TraceTimelinePanel): void {
    this.panels.set(panel.traceId, panel);
    // The panel owns itself (the user closes it); the registry only forgets it then.
    panel.onDidDispose(() => {
      if (this.panels.get(panel.traceId) === panel) {
        this.panels.delete(panel.traceId);
      }
    });
  }
}
