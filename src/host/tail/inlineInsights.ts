/**
 * What a live tail leaves in the editor besides its view: the latest invocation result at each
 * tailed handler (`inlineResults.ts`), marks at the lines tailed stacks point to
 * (`stackMarks.ts`), and alert notifications (`alerts.ts`). One owner feeds them from the
 * `TailFeed`: each batch goes into the shared invocation log first (so an alert on an error line
 * can find the trace id its REPORT line brings), then to each feature. Everything is cleared
 * when the last tail stops.
 */
import * as vscode from 'vscode';
import { stackOfLine } from '../../core/tailInsightText';
import { TailInvocationLog } from '../../core/tailInvocations';
import { Disposable } from '../lifecycle';
import { TailAlerts } from './alerts';
import { REVEAL_TAIL_LINE_COMMAND } from './inlineHoverText';
import { InlineResults } from './inlineResults';
import { TailStackResolver } from './inlineStackResolver';
import { StackMarks } from './stackMarks';
import type { AlertLine } from './alerts';
import type { InlineResultSnapshot } from './inlineResults';
import type { StackMarkSnapshot } from './stackMarks';
import type { TailFeed, TailLine, TailLinesEvent, TailedFunction } from './tailFeed';
import type { LineStack } from '../../core/tailInsightText';
import type { Config } from '../config';
import type { ComponentLogger, Logger } from '../logger';
import type { ProjectIndexService } from '../source/projectIndexService';
import type { SourceNavigator } from '../source/sourceNavigator';

export interface TailInsightsDeps {
  feed: TailFeed;
  projectIndex: ProjectIndexService;
  /** The navigator "Go to source" uses (one source-map cache), owned by the caller. */
  navigator: SourceNavigator;
  config: Config;
  logger: Logger;
}

/** What the extension's own tests read and do through the test API. */
export interface TailInsightsTesting {
  inlineResults(): InlineResultSnapshot[];
  stackMarks(): StackMarkSnapshot[];
  alertNotifications(): { message: string; actions: string[] }[];
  /** Runs action `title` of alert `index` (oldest first) as its button does. */
  runAlertAction(index: number, title: string): Promise<void>;
}

export function registerTailInsights(deps: TailInsightsDeps): TailInsights {
  return new TailInsights(deps);
}

export class TailInsights extends Disposable {
  private readonly invocations = new TailInvocationLog();
  private readonly log: ComponentLogger;
  private readonly stacks: TailStackResolver;
  private readonly results: InlineResults;
  private readonly marks: StackMarks;
  private readonly alerts: TailAlerts;
  private byGroup = new Map<string, TailedFunction>();
  private byName = new Map<string, TailedFunction>();

  constructor(private readonly deps: TailInsightsDeps) {
    super();
    this.log = deps.logger.for('tail-insights');
    const { feed, projectIndex, navigator } = deps;
    this.stacks = this._register(new TailStackResolver(navigator, projectIndex, this.log));
    this.results = this._register(new InlineResults({ feed, invocations: this.invocations, index: projectIndex, entryOf: (name, id) => this.stacks.entryOf(name, id) }));
    this.marks = this._register(new StackMarks({ traceIdOf: (name, requestId) => (name !== undefined && requestId !== undefined ? this.invocations.outline(name, requestId)?.traceId : undefined) }));
    this.alerts = this._register(
      new TailAlerts({ feed, config: deps.config, invocations: this.invocations, stacks: this.stacks, open: (file, line) => navigator.open(file, line), log: this.log }),
    );
    this._register(feed.onDidReceiveLines((event) => this.onLines(event)));
    this._register(feed.onDidChangeSessions(() => this.onSessions()));
    this._register(vscode.commands.registerCommand(REVEAL_TAIL_LINE_COMMAND, (sessionId: unknown, seq: unknown) => this.reveal(sessionId, seq)));
    this.onSessions();
  }

  readonly testing: TailInsightsTesting = {
    inlineResults: () => this.results.snapshot(),
    stackMarks: () => this.marks.snapshot(),
    alertNotifications: () => this.alerts.raised().map((alert) => ({ message: alert.message, actions: alert.actions.map((action) => action.title) })),
    runAlertAction: async (index, title) => {
      const action = this.alerts.raised()[index]?.actions.find((candidate) => candidate.title === title);
      if (action === undefined) throw new Error(`alert ${index} has no action ${title}`);
      await action.run();
    },
  };

  private onLines(event: TailLinesEvent): void {
    const alertLines: AlertLine[] = [];
    for (const line of event.lines) {
      const tailed = this.tailedOf(line);
      const functionName = tailed?.functionName ?? line.functionName ?? line.logGroupName;
      const ref = { sessionId: event.sessionId, seq: line.seq };
      this.invocations.add(functionName, line.parsed, ref, line.timestamp);
      const stack = stackOfLine(line.parsed);
      if (stack !== undefined) void this.markStack(functionName, tailed?.projectFunctionId, stack, line, ref);
      const alertLine: AlertLine = { sessionId: event.sessionId, seq: line.seq, functionName, parsed: line.parsed };
      if (tailed?.projectFunctionId !== undefined) alertLine.projectFunctionId = tailed.projectFunctionId;
      alertLines.push(alertLine);
    }
    this.results.update();
    this.marks.update();
    this.alerts.onLines(alertLines);
  }

  private tailedOf(line: TailLine): TailedFunction | undefined {
    return (line.functionName !== undefined ? this.byName.get(line.functionName) : undefined) ?? this.byGroup.get(line.logGroupName);
  }

  private async markStack(functionName: string, projectFunctionId: string | undefined, stack: LineStack, line: TailLine, ref: { sessionId: string; seq: number }): Promise<void> {
    const resolution = await this.stacks.resolve(functionName, stack.frames, projectFunctionId);
    // The tail may have stopped while the stack resolved.
    if (resolution?.top === undefined || this.isDisposed || !this.byName.has(functionName)) return;
    this.marks.add({
      file: resolution.top.file,
      line: resolution.top.line,
      title: stack.title,
      at: line.parsed.timestamp ?? line.timestamp,
      functionName,
      requestId: line.parsed.requestId,
      frames: resolution.frames,
      ref,
    });
  }

  private onSessions(): void {
    const active = this.deps.feed.activeFunctions();
    this.byName = new Map(active.map((tailed) => [tailed.functionName, tailed]));
    this.byGroup = new Map(active.map((tailed) => [tailed.logGroupName, tailed]));
    if (active.length === 0) {
      this.invocations.clear();
      this.results.clear();
      this.marks.clear();
      this.alerts.reset();
      return;
    }
    const names = new Set(this.byName.keys());
    this.invocations.retain(names);
    this.marks.retain(names);
    this.results.update();
    // The index is built on first use: results appear once it knows the handlers.
    void this.deps.projectIndex.ready().then(
      () => this.results.update(),
      (error: unknown) => this.log.warn(`project index not ready for inline results: ${String(error)}`),
    );
  }

  private async reveal(sessionId: unknown, seq: unknown): Promise<void> {
    if (typeof sessionId !== 'string' || typeof seq !== 'number' || !Number.isInteger(seq)) return;
    try {
      await this.deps.feed.revealLine(sessionId, seq);
    } catch (error) {
      this.log.warn(`could not reveal tail line ${seq}: ${String(error)}`);
    }
  }
}
