import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { Debouncer } from '../delay';
import { TraceTimelinePanel } from './traceTimelinePanel';
import type { TimelineViewState } from '../../shared/timelineMessages';
import type { TimelinePanelDeps } from './traceTimelinePanel';
import type { TimelineSnapshot } from '../../shared/extensionApi';

/** The open timeline panels, one per trace id: opening a trace again reveals its panel. */
export class TimelinePanels extends Disposable {
  private readonly panels = new Map<string, TraceTimelinePanel>();
  private readonly shown = this._register(new vscode.EventEmitter<string>());
  /** The trace id of a timeline opened (by any command) or revealed, or whose tab became active: the service map highlights its path. */
  readonly onDidShowTrace = this.shown.event;
  private lastShown: string | undefined;
  // A panel's `active` flag and the tab events arrive separately: look once both have settled.
  private readonly checkActive = this._register(new Debouncer(50, () => this.onActiveMaybeChanged()));

  constructor(private readonly deps: TimelinePanelDeps) {
    super();
    this._register(vscode.window.tabGroups.onDidChangeTabs(() => this.checkActive.trigger()));
  }

  open(traceId: string): void {
    const existing = this.panels.get(traceId);
    if (existing !== undefined) {
      existing.reveal();
    } else {
      this.adopt(TraceTimelinePanel.create(traceId, this.deps));
    }
    this.lastShown = traceId;
    this.shown.fire(traceId);
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

  private onActiveMaybeChanged(): void {
    const id = this.activeId();
    if (id === undefined || id === this.lastShown) return;
    this.lastShown = id;
    this.shown.fire(id);
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
