/**
 * The owner of every log tail (one per extension, created in `extension.ts`): starts sessions for
 * function names, owns their views, parses each event once (`TailSession`) and hands the lines to
 * every consumer through the `TailFeed` contract (inline results, stack marks, alerts). Applies
 * `serverlessLens.tail.*` without a reload, stops all tails when the AWS connection changes, and
 * says when a tail stopped by itself (idle, error) with a Restart action.
 */
import * as vscode from 'vscode';
import type { ParsedFrame } from '../../core/stackFrames';
import { tailTitle } from '../../core/tailTargets';
import type { TailViewStatus } from '../../shared/tailMessages';
import type { LambdaFunctionInfo } from '../../aws/lambdaFunctions';
import type { Config } from '../config';
import type { AwsConnection } from '../connection/awsConnection';
import type { ConnectionController } from '../connection/connectionController';
import { Disposable, toDisposable } from '../lifecycle';
import type { ComponentLogger } from '../logger';
import type { ProjectIndexService } from '../source/projectIndexService';
import type { TailedFunction, TailFeed, TailLine, TailLinesEvent } from './tailFeed';
import { loadTailModules } from './tailModules';
import { TailPanel } from './tailPanel';
import { TailSession } from './tailSession';
import type { TailSessionListener, TailStopReason, TailTarget } from './tailSession';
import { TailTargetResolver } from './tailTargetResolver';

export interface TailSessionsDeps {
  config: Config;
  connections: ConnectionController;
  projectIndex: ProjectIndexService;
  extensionUri: vscode.Uri;
  log: ComponentLogger;
  /** Opens frame `frameIndex` of a tailed line's stack for `functionName` (the SourceNavigator, through the command runner). */
  openFrame: (functionName: string | undefined, frames: readonly ParsedFrame[], frameIndex: number) => Promise<void>;
  /** Passed to new sessions (tests shorten the tail's timings). */
  tuning?: ConstructorParameters<typeof TailSession>[0]['tuning'];
}

interface Entry {
  session: TailSession;
  panel: TailPanel;
}

const RESTART = 'Restart';
const SHOW = 'Show Tail';

export class TailSessions extends Disposable implements TailFeed {
  private readonly entries = new Map<string, Entry>();
  private readonly targets: TailTargetResolver;
  private readonly linesEmitter = this._register(new vscode.EventEmitter<TailLinesEvent>());
  private readonly sessionsEmitter = this._register(new vscode.EventEmitter<void>());
  private readonly statusEmitter = this._register(new vscode.EventEmitter<void>());
  private counter = 0;
  /** The session whose view was shown last: what "Show Log Tail" and the status bar open. */
  private lastShown: string | undefined;

  readonly onDidReceiveLines = this.linesEmitter.event;
  readonly onDidChangeSessions = this.sessionsEmitter.event;
  /** A status (state, rate, billed minutes, sampling) changed; the status bar listens. */
  readonly onDidChangeStatus = this.statusEmitter.event;

  constructor(private readonly deps: TailSessionsDeps) {
    super();
    this.targets = new TailTargetResolver(deps.projectIndex, deps.log);
    this._register(deps.config.onDidChangeTail(() => this.applySettings()));
    this._register(deps.connections.onDidChange(() => this.stopAll('connection', 'The AWS connection changed (profile, region or endpoint).')));
    this._register(toDisposable(() => this.disposeAll()));
    this.updateContext();
  }

  // ── TailFeed ────────────────────────────────────────────────

  activeFunctions(): TailedFunction[] {
    const out: TailedFunction[] = [];
    for (const { session } of this.entries.values()) {
      if (!session.isRunning) continue;
      for (const target of session.targets) {
        const { logGroupArn: _arn, ...fn } = target;
        out.push(fn);
      }
    }
    return out;
  }

  async revealLine(sessionId: string, seq: number): Promise<void> {
    const entry = this.entries.get(sessionId);
    if (entry === undefined) {
      void vscode.window.showInformationMessage('That tail has been closed.');
      return;
    }
    this.show(sessionId);
    if (entry.session.line(seq) === undefined) {
      void vscode.window.showInformationMessage(`That line has left the tail's buffer: the view keeps the newest ${this.deps.config.get('tail.maxLines')} lines (serverlessLens.tail.maxLines).`);
      return;
    }
    entry.panel.reveal(seq);
  }

  // ── sessions ────────────────────────────────────────────────

  /** Seeds the target cache with functions the picker's account listing returned. */
  rememberFunctions(connection: AwsConnection, infos: readonly LambdaFunctionInfo[]): void {
    this.targets.remember(connection, infos);
  }

  /** Every session with an open view, oldest first. */
  sessions(): TailSession[] {
    return [...this.entries.values()].map((entry) => entry.session);
  }

  /** The view of a session (the extension's test API reads its counters). */
  panelOf(id: string): TailPanel | undefined {
    return this.entries.get(id)?.panel;
  }

  session(id: string): TailSession | undefined {
    return this.entries.get(id)?.session;
  }

  /** The lines of every session, oldest first (the extension's test API). */
  allLines(): { sessionId: string; line: TailLine }[] {
    return [...this.entries.values()].flatMap(({ session }) => session.lines().map((line) => ({ sessionId: session.id, line })));
  }

  /**
   * Tails `functionNames` (at most 10 log groups: the caller checked). A session already tailing
   * exactly these functions is shown instead of starting a second one (and restarted if stopped).
   */
  async start(functionNames: readonly string[], signal: AbortSignal, knownTargets: readonly TailTarget[] = []): Promise<TailSession> {
    const wanted = [...new Set(functionNames)];
    const existing = [...this.entries.values()].find(({ session }) => sameNames(session.targets.map((t) => t.functionName), wanted));
    if (existing !== undefined) {
      if (!existing.session.isRunning) existing.session.start();
      this.show(existing.session.id);
      return existing.session;
    }
    const connection = await this.deps.connections.get();
    const known = new Map(knownTargets.map((target) => [target.functionName, target]));
    const missing = wanted.filter((name) => !known.has(name));
    const resolved = missing.length > 0 ? await this.targets.resolve(connection, missing, signal) : [];
    for (const target of resolved) known.set(target.functionName, target);
    const targets = wanted.map((name) => known.get(name)).filter((target): target is TailTarget => target !== undefined);
    const { liveTail } = await loadTailModules();
    const id = `tail-${++this.counter}`;
    const session = new TailSession(
      {
        id,
        targets,
        client: connection.logsClient(),
        createTail: (client) => new liveTail.LogTail(client, { logger: this.deps.log }),
        maxLines: this.deps.config.get('tail.maxLines'),
        mode: this.mode(),
        idleStopMs: this.deps.config.get('tail.idleStopMinutes') * 60_000,
        logger: this.deps.log,
        ...(this.deps.tuning !== undefined ? { tuning: this.deps.tuning } : {}),
      },
      this.listener,
    );
    const panel = TailPanel.create({
      extensionUri: this.deps.extensionUri,
      session,
      title: tailTitle(targets.map((t) => t.functionName)),
      maxLines: () => this.deps.config.get('tail.maxLines'),
      log: this.deps.log,
      openFrame: (functionName, frames, frameIndex) => this.deps.openFrame(functionName, frames, frameIndex),
      restart: () => this.restart(id),
      stop: () => void this.stop(id),
    });
    this.entries.set(id, { session, panel });
    panel.onDidDispose(() => this.forget(id));
    this.lastShown = id;
    this.deps.log.info(`tail ${id} started: ${targets.map((t) => `${t.functionName} (${t.logGroupName})`).join(', ')}`);
    session.start();
    this.changed();
    return session;
  }

  /** Stops a session; its view stays open (with Restart) until the user closes it. */
  async stop(id?: string): Promise<void> {
    const entry = id !== undefined ? this.entries.get(id) : undefined;
    const sessions = entry !== undefined ? [entry.session] : id === undefined ? this.sessions().filter((s) => s.isRunning) : [];
    await Promise.all(sessions.map((session) => session.stop('user', 'Stopped.')));
  }

  restart(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.session.isRunning) return;
    entry.session.start();
    this.changed();
  }

  /** Shows the view of `id`, else of the session shown last. False when there is none. */
  show(id?: string): boolean {
    const entry = this.entries.get(id ?? this.lastShown ?? '') ?? [...this.entries.values()].at(-1);
    if (entry === undefined) return false;
    this.lastShown = entry.session.id;
    entry.panel.show();
    return true;
  }

  /** Sum over running sessions, for the status bar. */
  totals(): { running: TailSession[]; functions: number; eventsPerSecond: number; billedMinutes: number; sampled: boolean } {
    const running = this.sessions().filter((session) => session.isRunning);
    return {
      running,
      functions: new Set(running.flatMap((session) => session.targets.map((t) => t.functionName))).size,
      eventsPerSecond: running.reduce((sum, session) => sum + session.eventsPerSecond(), 0),
      billedMinutes: this.sessions().reduce((sum, session) => sum + session.billedMinutes(), 0),
      sampled: running.some((session) => session.status.sampled),
    };
  }

  // ── internals ───────────────────────────────────────────────

  private readonly listener: TailSessionListener = {
    onLines: (session, lines) => {
      this.entries.get(session.id)?.panel.append(lines);
      this.linesEmitter.fire({ sessionId: session.id, lines });
    },
    onStatus: (session, status) => {
      this.entries.get(session.id)?.panel.status(status);
      this.statusEmitter.fire();
    },
    onSampled: (session) => {
      this.deps.log.warn(`tail ${session.id}: AWS is sampling the events (more than 500 per second)`);
      void vscode.window
        .showWarningMessage(`The log tail of ${names(session)} receives more than 500 events per second: CloudWatch Logs sends a sample, so some lines are missing. A filter pattern narrows the events to those you need.`, SHOW)
        .then((choice) => (choice === SHOW ? this.show(session.id) : undefined));
    },
    onStopped: (session, reason, message) => this.onStopped(session, reason, message),
  };

  private onStopped(session: TailSession, reason: TailStopReason, message: string): void {
    this.deps.log.info(`tail ${session.id} stopped (${reason}): ${message}`);
    this.changed();
    if (reason === 'user' || reason === 'disposed' || reason === 'restart' || !this.entries.has(session.id)) return;
    const show = reason === 'error' ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
    void show(`Log tail of ${names(session)}: ${message}`, RESTART, SHOW).then((choice) => {
      if (choice === RESTART) this.restart(session.id);
      else if (choice === SHOW) this.show(session.id);
    });
  }

  private applySettings(): void {
    const maxLines = this.deps.config.get('tail.maxLines');
    const idleMs = this.deps.config.get('tail.idleStopMinutes') * 60_000;
    for (const { session, panel } of this.entries.values()) {
      session.setMaxLines(maxLines);
      session.setIdleStopMs(idleMs);
      void session.setMode(this.mode());
      panel.config(maxLines);
    }
  }

  private mode(): 'auto' | 'polling' {
    return this.deps.config.get('tail.mode') === 'polling' ? 'polling' : 'auto';
  }

  private stopAll(reason: TailStopReason, message: string): void {
    for (const { session } of this.entries.values()) if (session.isRunning) void session.stop(reason, message);
  }

  private forget(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    void entry.session.stop('disposed', 'The tail view was closed.');
    if (this.lastShown === id) this.lastShown = undefined;
    this.changed();
  }

  private disposeAll(): void {
    for (const { session, panel } of this.entries.values()) {
      session.dispose();
      panel.dispose();
    }
    this.entries.clear();
  }

  private changed(): void {
    this.updateContext();
    this.sessionsEmitter.fire();
    this.statusEmitter.fire();
  }

  private updateContext(): void {
    const running = this.sessions().some((session) => session.isRunning);
    void vscode.commands.executeCommand('setContext', 'serverlessLens.tailRunning', running);
    void vscode.commands.executeCommand('setContext', 'serverlessLens.hasTail', this.entries.size > 0);
  }
}

function names(session: TailSession): string {
  return session.targets.map((t) => t.functionName).join(', ');
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((name, i) => name === [...b].sort()[i]);
}

export type { TailViewStatus };
