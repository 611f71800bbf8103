/**
 * Alert rules on live tails (`serverlessLens.alerts.*`): a tailed line matching a rule raises a
 * notification with "Open Log Line", "Open Trace" (when the line's invocation names its trace)
 * and "Go to Source" (when the line's stack resolves). Matching and storm aggregation are the
 * pure `core/alertRules.ts`; this module reads the settings (applied without a reload), reports
 * invalid rules once, and shows the notifications.
 */
import * as vscode from 'vscode';
import { AlertAggregator, compileAlertRules, firstAlertText, followUpText, lineExcerpt, matchLine } from '../../core/alertRules';
import { traceIdsIn } from '../../core/lambdaLogParser';
import { stackOfLine } from '../../core/tailInsightText';
import { CONFIG_SECTION, qualifiedKey } from '../configSchema';
import { Disposable } from '../lifecycle';
import { describeError } from '../logger';
import { COMMANDS } from '../commands/commandIds';
import { InlineTimer } from './inlineTimer';
import type { AlertMatch, AlertRule, FirstAlert, FollowUpAlert } from '../../core/alertRules';
import type { TailInvocationLog } from '../../core/tailInvocations';
import type { ParsedLogLine } from '../../shared/logModel';
import type { Config } from '../config';
import type { ComponentLogger } from '../logger';
import type { TailStackResolver } from './inlineStackResolver';
import type { TailFeed } from './tailFeed';

/** A tailed line as alerts see it. */
export interface AlertLine {
  sessionId: string;
  seq: number;
  functionName: string;
  projectFunctionId?: string;
  parsed: ParsedLogLine;
}

export interface AlertAction {
  title: string;
  run: () => Promise<void>;
}

export interface RaisedAlert {
  message: string;
  actions: AlertAction[];
}

export interface AlertsDeps {
  feed: Pick<TailFeed, 'revealLine'>;
  config: Pick<Config, 'get'>;
  invocations: TailInvocationLog;
  stacks: TailStackResolver;
  /** Opens a workspace file at a 1-based line (the navigator's `open`). */
  open: (file: string, line: number) => Promise<unknown>;
  log: ComponentLogger;
  clock?: () => number;
}

export const OPEN_LOG_LINE = 'Open Log Line';
export const OPEN_TRACE = 'Open Trace';
export const GO_TO_SOURCE = 'Go to Source';

/** How long a first alert waits for its invocation's REPORT line (which names the trace). */
const TRACE_WAIT_MS = 1000;
const STACK_WAIT_MS = 2000;
/** Alerts the test API remembers. */
const MAX_RECORDED = 100;

export class TailAlerts extends Disposable {
  private rules: AlertRule[] = [];
  private enabled = true;
  private readonly aggregator: AlertAggregator<AlertLine>;
  private readonly followUps = this._register(new InlineTimer(() => this.flushFollowUps()));
  /** Problems already reported, so a broken rule is said once, not on every settings change. */
  private readonly reported = new Set<string>();
  private readonly recorded: RaisedAlert[] = [];
  private readonly clock: () => number;

  constructor(private readonly deps: AlertsDeps) {
    super();
    this.clock = deps.clock ?? Date.now;
    this.aggregator = new AlertAggregator<AlertLine>(this.clock, deps.config.get('alerts.quietSeconds') * 1000);
    this.readSettings();
    this._register(vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${CONFIG_SECTION}.alerts`)) this.readSettings();
    }));
  }

  /** Checks a batch of tailed lines against the rules (the invocation log has already seen them). */
  onLines(lines: readonly AlertLine[]): void {
    if (!this.enabled || this.rules.length === 0) return;
    for (const line of lines) {
      for (const match of matchLine(this.rules, line.functionName, line.parsed.raw)) {
        const first = this.aggregator.offer(match.rule, line.functionName, line);
        if (first !== undefined) void this.presentFirst(first, match);
      }
    }
    this.scheduleFollowUps();
  }

  /** The tails stopped: storms end with them. */
  reset(): void {
    this.aggregator.reset();
    this.followUps.cancel();
  }

  /** Notifications raised so far, oldest first (for the extension's own tests). */
  raised(): readonly RaisedAlert[] {
    return this.recorded;
  }

  private readSettings(): void {
    this.enabled = this.deps.config.get('alerts.enabled');
    this.aggregator.setWindow(this.deps.config.get('alerts.quietSeconds') * 1000);
    const compiled = compileAlertRules(this.deps.config.get('alerts.rules'));
    this.rules = compiled.rules;
    this.aggregator.reset();
    this.reportProblems(compiled.problems);
    this.deps.log.info(`alerts ${this.enabled ? 'on' : 'off'}: ${this.rules.length} rule(s), quiet ${this.deps.config.get('alerts.quietSeconds')} s`);
  }

  private reportProblems(problems: readonly string[]): void {
    // Forget problems the user fixed, so breaking the rule again is reported again.
    for (const old of [...this.reported]) if (!problems.includes(old)) this.reported.delete(old);
    const fresh = problems.filter((problem) => !this.reported.has(problem));
    if (fresh.length === 0) return;
    for (const problem of fresh) {
      this.reported.add(problem);
      this.deps.log.warn(problem);
    }
    const more = fresh.length > 1 ? ` (and ${fresh.length - 1} more problem(s), see the log)` : '';
    void vscode.window.showWarningMessage(`Serverless Lens: ${fresh[0] ?? ''}${more}`, 'Open Settings').then((choice) => {
      if (choice !== undefined) void vscode.commands.executeCommand('workbench.action.openSettings', qualifiedKey('alerts.rules'));
    });
  }

  private async presentFirst(notice: FirstAlert<AlertLine>, match: AlertMatch): Promise<void> {
    const line = notice.item;
    const message = firstAlertText(notice.rule, notice.functionName, lineExcerpt(line.parsed.raw, match.at, match.length));
    const stack = stackOfLine(line.parsed);
    const [traceId, resolution] = await Promise.all([
      this.traceIdFor(line),
      stack !== undefined ? withTimeout(this.deps.stacks.resolve(line.functionName, stack.frames, line.projectFunctionId), STACK_WAIT_MS) : undefined,
    ]);
    if (this.isDisposed) return;
    const actions = [this.openLogLine(line)];
    if (traceId !== undefined) actions.push({ title: OPEN_TRACE, run: async () => void (await vscode.commands.executeCommand(COMMANDS.openTrace, traceId)) });
    const top = resolution?.top;
    if (top !== undefined) actions.push({ title: GO_TO_SOURCE, run: async () => void (await this.deps.open(top.file, top.line)) });
    this.show(message, actions);
  }

  private presentFollowUp(notice: FollowUpAlert<AlertLine>): void {
    this.show(followUpText(notice), [this.openLogLine(notice.latest)]);
  }

  private openLogLine(line: AlertLine): AlertAction {
    return { title: OPEN_LOG_LINE, run: () => this.deps.feed.revealLine(line.sessionId, line.seq) };
  }

  /**
   * The line's own trace id, else its invocation's: the REPORT line that names it usually comes
   * right after the error, so a first alert waits a moment for it.
   */
  private async traceIdFor(line: AlertLine): Promise<string | undefined> {
    const own = traceIdsIn(line.parsed)[0];
    if (own !== undefined) return own;
    const requestId = line.parsed.requestId;
    if (requestId === undefined) return undefined;
    const deadline = this.clock() + TRACE_WAIT_MS;
    for (;;) {
      const known = this.deps.invocations.outline(line.functionName, requestId);
      if (known?.traceId !== undefined || known?.finished === true || this.clock() >= deadline || this.isDisposed) return known?.traceId;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private show(message: string, actions: AlertAction[]): void {
    this.recorded.push({ message, actions });
    if (this.recorded.length > MAX_RECORDED) this.recorded.shift();
    void vscode.window.showWarningMessage(message, ...actions.map((action) => action.title)).then((choice) => {
      const action = actions.find((candidate) => candidate.title === choice);
      if (action !== undefined) void this.runAction(action);
    });
  }

  /** Runs an action as its button does, reporting a failure instead of throwing. */
  async runAction(action: AlertAction): Promise<void> {
    try {
      await action.run();
    } catch (error) {
      this.deps.log.error(`alert action ${action.title} failed`, error);
      void vscode.window.showErrorMessage(`Serverless Lens: ${action.title} failed: ${describeError(error)}`);
    }
  }

  private scheduleFollowUps(): void {
    const next = this.aggregator.nextDueAt();
    if (next === undefined) this.followUps.cancel();
    else this.followUps.schedule(Math.max(0, next - this.clock()));
  }

  private flushFollowUps(): void {
    for (const notice of this.aggregator.due()) this.presentFollowUp(notice);
    this.scheduleFollowUps();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    void promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}
