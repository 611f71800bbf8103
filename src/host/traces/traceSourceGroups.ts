import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { COMMANDS } from '../commands/commandIds';
import { filterLocalSummaries } from '../local/localTraceFilter';
import { LOCAL_FILTER_NOTE, localGroupDescription, localTooltipLines } from '../local/localSourceText';
import { localTraceRow } from './traceTreeItems';
import { RefreshLimiter, localRowFacts, sameLocalGroupView } from './localGroupRefresh';
import type { LocalGroupView } from './localGroupRefresh';
import type { ConnectionController } from '../connection/connectionController';
import type { ContextKeys, TracesState } from '../contextKeys';
import type { LocalTraceService } from '../local/localTraceService';
import type { Trace, TraceSummary } from '../../shared/traceModel';
import type { TraceQuery } from './traceQuery';
import type { MessageNode, SourceGroupNode, TraceRow, TracesNode } from './traceTreeItems';

/** What the AWS side of the view is showing, for its group's rows and its state line. */
export interface AwsSide {
  nodes: TracesNode[];
  state: TracesState;
  /** The view's message (why a load failed), if any. */
  message: string | undefined;
}

/** Local traffic redraws the Local group at most this often (a redraw drops clicks on the rows it replaces). */
export const LOCAL_REFRESH_MS = 1_000;

/** How often the Local group was redrawn, and how many redraws were skipped because nothing shown changed (the test API). */
export interface LocalRefreshCounts {
  refreshed: number;
  skipped: number;
}

/**
 * The "Local" and "AWS" groups of the Traces view. They appear while the local receivers run or
 * local traces are kept; otherwise the view lists AWS rows at the top level, as it always did.
 * Local rows keep their object while the trace's summary is unchanged (tree identity), pass the
 * same errors-only toggle and (as text) the same filter as AWS rows. Local traffic redraws only
 * the Local group, at most once a second, and only when its line or a row shown changed.
 */
export class TraceSourceGroups extends Disposable {
  private readonly localGroup: SourceGroupNode = { kind: 'source', source: 'local', label: 'Local', description: '', tooltip: [], contextValue: 'localSource.stopped' };
  private readonly awsGroup: SourceGroupNode = { kind: 'source', source: 'aws', label: 'AWS', description: '', tooltip: [], contextValue: 'awsSource' };
  private readonly rowsById = new Map<string, TraceRow>();
  private resolvedRegion: string | undefined;
  private wasActive: boolean;
  /** What the last redraw of the Local group showed; undefined after a redraw of the whole tree. */
  private shownLocal: LocalGroupView | undefined;
  private readonly limiter = this._register(new RefreshLimiter(LOCAL_REFRESH_MS, () => this.refreshLocal()));
  private readonly counts: LocalRefreshCounts = { refreshed: 0, skipped: 0 };
  private readonly changed = this._register(new vscode.EventEmitter<TracesNode | undefined>());
  /** The Local group changed (its node), or the whole tree must be redrawn (undefined). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly local: LocalTraceService,
    private readonly query: TraceQuery,
    private readonly connections: ConnectionController,
    private readonly contextKeys: ContextKeys,
  ) {
    super();
    this.wasActive = local.isActive;
    this._register(local.onDidChange(() => this.onLocalChanged()));
    // The toggle and the filter are the user's own actions: redraw at once, not rate-limited.
    this._register(query.onDidChange(() => (this.isActive() ? this.refreshLocal() : this.fireRoot())));
    this._register(connections.onDidChange(() => (this.resolvedRegion = undefined)));
    this._register(
      connections.onDidResolveRegion((region) => {
        this.resolvedRegion = region;
        if (this.isActive()) this.changed.fire(this.awsGroup);
      }),
    );
  }

  /** True when the view shows the two groups. */
  isActive(): boolean {
    return this.local.isActive;
  }

  roots(): SourceGroupNode[] {
    this.updateLocalGroup();
    this.updateAwsGroup();
    return [this.localGroup, this.awsGroup];
  }

  /** The rows under a group: local rows, or the AWS side's rows (or its state as one line). */
  children(group: SourceGroupNode, aws: AwsSide): TracesNode[] {
    if (group.source === 'local') {
      const rows = this.localRows();
      return rows.length > 0 ? rows : [this.localEmptyMessage()];
    }
    if (aws.nodes.length > 0) return aws.nodes;
    return [awsStateMessage(aws.state, aws.message)];
  }

  /** The local rows the toggle and filter let through, newest first. */
  localRows(): TraceRow[] {
    const summaries = this.local.summaries();
    const shown = filterLocalSummaries(summaries, { errorsOnly: this.query.errorsOnly, expression: this.query.filterExpression });
    const live = new Set(summaries.map((summary) => summary.id));
    for (const id of this.rowsById.keys()) {
      if (!live.has(id)) this.rowsById.delete(id);
    }
    return shown.map((summary) => this.rowOf(summary));
  }

  /** The whole tree was redrawn (the Local rows with it): the next Local redraw is not skipped. */
  treeRedrawn(): void {
    this.shownLocal = undefined;
  }

  /** Redraws of the Local group so far, and the ones skipped as unchanged. */
  refreshCounts(): LocalRefreshCounts {
    return { ...this.counts };
  }

  /** Every local trace kept (not only the shown ones): for the service map and other readers. */
  localTraces(): Trace[] {
    return this.local.traces();
  }

  private rowOf(summary: TraceSummary): TraceRow {
    const known = this.rowsById.get(summary.id);
    if (known !== undefined && known.summary === summary) return known;
    // The store replaces a summary when documents arrive: a new row, same tree id.
    const row = localTraceRow(summary, this.local.get(summary.id)?.coldStart);
    this.rowsById.set(summary.id, row);
    return row;
  }

  private onLocalChanged(): void {
    const active = this.isActive();
    if (active !== this.wasActive) {
      // The shape of the tree changes (groups appear or go): redraw from the root.
      this.wasActive = active;
      this.fireRoot();
      return;
    }
    if (active) this.limiter.request();
  }

  private fireRoot(): void {
    this.shownLocal = undefined;
    this.changed.fire(undefined);
  }

  /** Redraws the Local group (its line and rows) unless what it would show is what it shows. */
  private refreshLocal(): void {
    if (this.isDisposed || !this.isActive()) return;
    const next = this.localView();
    if (sameLocalGroupView(this.shownLocal, next)) {
      this.counts.skipped += 1;
      return;
    }
    this.shownLocal = next;
    this.counts.refreshed += 1;
    this.changed.fire(this.localGroup);
  }

  /** What the Local group would show now (its node's line updated on the way). */
  private localView(): LocalGroupView {
    this.updateLocalGroup();
    const rows = this.localRows();
    return {
      description: this.localGroup.description,
      contextValue: this.localGroup.contextValue,
      rows: rows.map((row) => localRowFacts(row.summary, row.coldStart)),
      ...(rows.length === 0 ? { message: this.localEmptyMessage().text } : {}),
    };
  }

  private updateLocalGroup(): void {
    const status = this.local.status();
    const summaries = this.local.summaries();
    const shown = filterLocalSummaries(summaries, { errorsOnly: this.query.errorsOnly, expression: this.query.filterExpression }).length;
    const counters = this.local.counters();
    const facts = {
      running: status.running,
      traceCount: summaries.length,
      shownCount: shown,
      maxTraces: this.local.maxTraces(),
      ...(status.udp !== undefined ? { udp: status.udp } : {}),
      ...(status.otlp !== undefined ? { otlp: status.otlp } : {}),
      ...(counters !== undefined ? { counters } : {}),
    };
    this.localGroup.description = localGroupDescription(facts);
    this.localGroup.tooltip = [...localTooltipLines(facts), '', LOCAL_FILTER_NOTE];
    this.localGroup.contextValue = status.running ? 'localSource.running' : 'localSource.stopped';
  }

  private updateAwsGroup(): void {
    const { profile, region, endpointUrl } = this.connections.settings();
    const profileLabel = profile !== '' ? profile : (this.contextKeys.get('serverlessLens.profileLabel') ?? 'default');
    const regionLabel = region !== '' ? region : (this.resolvedRegion ?? 'default region');
    this.awsGroup.description = `${profileLabel} (${regionLabel})`;
    this.awsGroup.tooltip = [`AWS X-Ray: profile ${profileLabel}, region ${regionLabel}${endpointUrl !== '' ? `, endpoint ${endpointUrl}` : ''}`, `Search: ${this.query.describe()}`];
  }

  private localEmptyMessage(): MessageNode {
    const status = this.local.status();
    if (this.local.summaries().length > 0) {
      const command = this.query.filterExpression !== '' ? { command: COMMANDS.clearFilter, title: 'Clear Filter' } : { command: COMMANDS.showAllTraces, title: 'Show All Traces' };
      return { kind: 'message', id: 'serverlessLens.local.noMatch', text: 'No local traces match the filter or the errors-only toggle', icon: 'filter', command };
    }
    const where = status.udp !== undefined ? `AWS_XRAY_DAEMON_ADDRESS=${status.udp}` : 'the receivers';
    return { kind: 'message', id: 'serverlessLens.local.waiting', text: status.running ? `Waiting for traces (send them to ${where} or OTLP ${status.otlp ?? ''})` : 'Receivers stopped', icon: status.running ? 'loading~spin' : 'debug-pause' };
  }
}

/** The AWS group's one line when it has no rows: what is happening, and the fix as its command. */
export function awsStateMessage(state: TracesState, message: string | undefined): MessageNode {
  const id = `serverlessLens.aws.${state}`;
  switch (state) {
    case 'noCredentials':
      return { kind: 'message', id, text: message ?? 'No valid AWS credentials: sign in', icon: 'key', command: { command: COMMANDS.signIn, title: 'Sign In' } };
    case 'empty':
      return { kind: 'message', id, text: 'No AWS traces in the selected time range', icon: 'info', command: { command: COMMANDS.pickTimeRange, title: 'Widen Time Range' } };
    case 'emptyFiltered':
      return { kind: 'message', id, text: 'No AWS traces match the filter or the errors-only toggle', icon: 'filter', command: { command: COMMANDS.clearFilter, title: 'Clear Filter' } };
    case 'error':
      return { kind: 'message', id, text: message ?? 'Could not load AWS traces: retry', icon: 'error', command: { command: COMMANDS.refreshTraces, title: 'Retry' } };
    default:
      return { kind: 'message', id, text: 'Loading AWS traces…', icon: 'loading~spin' };
  }
}
