import * as vscode from 'vscode';
import { failureGroupMessage, groupFailures } from '../../core/failureGroups';
import { invocationsOf } from '../../core/functionStats';
import { COMMANDS } from '../commands/commandIds';
import { Disposable, toDisposable } from '../lifecycle';
import { Throttler } from '../delay';
import type { FailureGroup, LocatedFailure } from '../../core/failureGroups';
import type { FrameResolution, ResolvedLocation } from '../../local/frameResolver';
import type { Trace } from '../../shared/traceModel';
import type { Config } from '../config';
import type { ComponentLogger } from '../logger';
import type { HandlerIndex } from './handlerStats';
import type { InsightTraces } from './insightTraces';

export const PROBLEMS_SOURCE = 'Serverless Lens';

/** What `host/source/sourceNavigator.ts` says about one failing span (the parts used here). */
export interface FailureResolution {
  exception: { type?: string; message?: string };
  /** Innermost first, as the stack was. */
  frames: readonly FrameResolution[];
  /** The line that threw, in the user's own code. */
  primary?: ResolvedLocation;
}

export interface FailureResolver {
  resolveFailure(trace: Trace, spanId: string, signal: AbortSignal): Promise<FailureResolution | undefined>;
}

export interface FailureProblemsDeps {
  traces: InsightTraces;
  resolver: FailureResolver;
  index: HandlerIndex;
  config: Config;
  logger: ComponentLogger;
}

/** One failing invocation: memoized by trace and span, so a refetched trace is not resolved again. */
interface FailureRecord {
  traceId: string;
  endEpochMs: number;
  fault: boolean;
  /** Undefined while pending; null when nothing resolved to a workspace line. */
  resolution?: FailureResolution | null;
}

interface PendingResolve {
  key: string;
  trace: Trace;
  spanId: string;
}

// Source-map loading is I/O and CPU: a page of 50 failing traces must not start 50 at once.
const MAX_CONCURRENT_RESOLVES = 3;
const RENDER_THROTTLE_MS = 500;
// Ages in messages have minute resolution, and failures leave the window by the minute.
const AGE_OUT_CHECK_MS = 60_000;

/**
 * Recent failures from the cached traces as diagnostics at the lines that threw: one per line
 * and exception, counting the failures behind it. Updated as traces arrive, emptied when the
 * connection changes, and failures drop out once older than `problems.maxAgeMinutes`.
 */
export class FailureProblems extends Disposable {
  private readonly collection = this._register(vscode.languages.createDiagnosticCollection('serverlessLens'));
  private readonly records = new Map<string, FailureRecord>();
  private pending: PendingResolve[] = [];
  private running = 0;
  private abort = new AbortController();
  private readonly render = this._register(new Throttler(RENDER_THROTTLE_MS, () => this.draw()));
  private readonly rescan = this._register(new Throttler(RENDER_THROTTLE_MS, () => this.restart()));
  private enabled: boolean;

  constructor(private readonly deps: FailureProblemsDeps) {
    super();
    this.enabled = deps.config.get('problems.enabled');
    this._register(toDisposable(() => this.abort.abort()));
    this._register(deps.traces.onDidAdd((trace) => this.consider(trace)));
    this._register(deps.traces.onDidReset(() => this.restart()));
    // A handler moved or a build appeared: lines resolved before may be wrong now.
    this._register(deps.index.onDidChange(() => this.rescan.trigger()));
    this._register(deps.config.onDidChangeProblems(() => this.onSettingsChanged()));
    const timer = setInterval(() => {
      if (this.records.size > 0) this.draw();
    }, AGE_OUT_CHECK_MS);
    this._register(toDisposable(() => clearInterval(timer)));
    this.restart();
  }

  /** Forgets every failure and resolves the cached traces again (new connection, new index, setting on). */
  private restart(): void {
    this.abort.abort();
    this.abort = new AbortController();
    this.pending = [];
    this.records.clear();
    this.collection.clear();
    if (!this.enabled) return;
    for (const trace of this.deps.traces.traces()) this.consider(trace);
  }

  private onSettingsChanged(): void {
    const enabled = this.deps.config.get('problems.enabled');
    if (enabled !== this.enabled) {
      this.enabled = enabled;
      this.deps.logger.info(`failure problems ${enabled ? 'on' : 'off'}`);
      this.restart();
      return;
    }
    // A wider window takes in failures skipped as too old (the rest stay memoized); a narrower one drops some now.
    for (const trace of this.deps.traces.traces()) this.consider(trace);
    this.draw();
  }

  private cutoff(): number {
    return Date.now() - this.deps.config.get('problems.maxAgeMinutes') * 60_000;
  }

  private consider(trace: Trace): void {
    if (!this.enabled) return;
    const cutoff = this.cutoff();
    for (const invocation of invocationsOf(trace)) {
      if (invocation.outcome === 'ok' || invocation.endEpochMs < cutoff) continue;
      const spanId = invocation.error?.spanId ?? invocation.spanId;
      const key = `${trace.id}#${spanId}`;
      if (this.records.has(key)) continue;
      this.records.set(key, { traceId: trace.id, endEpochMs: invocation.endEpochMs, fault: invocation.outcome === 'fault' });
      this.pending.push({ key, trace, spanId });
    }
    this.pump();
  }

  private pump(): void {
    while (this.running < MAX_CONCURRENT_RESOLVES && this.pending.length > 0) {
      const next = this.pending.shift() as PendingResolve;
      this.running += 1;
      void this.resolve(next, this.abort.signal).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private async resolve(item: PendingResolve, signal: AbortSignal): Promise<void> {
    try {
      const resolution = await this.deps.resolver.resolveFailure(item.trace, item.spanId, signal);
      const record = this.records.get(item.key);
      if (signal.aborted || record === undefined) return;
      record.resolution = resolution?.primary === undefined ? null : resolution;
      if (record.resolution !== null) this.render.trigger();
    } catch (error) {
      if (!signal.aborted) {
        this.deps.logger.warn(`could not resolve the failure in trace ${item.trace.id} span ${item.spanId}: ${String(error)}`);
        const record = this.records.get(item.key);
        if (record !== undefined) record.resolution = null;
      }
    }
  }

  /** Groups the resolved failures by line and exception and replaces the diagnostics. */
  private draw(): void {
    if (!this.enabled) return;
    const cutoff = this.cutoff();
    const located: LocatedFailure<FailureResolution>[] = [];
    for (const [key, record] of this.records) {
      if (record.endEpochMs < cutoff) {
        this.records.delete(key);
        continue;
      }
      const resolution = record.resolution;
      if (resolution === undefined || resolution === null || resolution.primary === undefined) continue;
      const { traceId, endEpochMs, fault } = record;
      located.push({ traceId, endEpochMs, fault, exception: resolution.exception, location: resolution.primary, detail: resolution });
    }
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const now = Date.now();
    for (const group of groupFailures(located)) {
      const file = group.latest.location.file;
      byFile.set(file, [...(byFile.get(file) ?? []), toDiagnostic(group, now)]);
    }
    this.collection.clear();
    for (const [file, diagnostics] of byFile) this.collection.set(vscode.Uri.file(file), diagnostics);
  }
}

function toDiagnostic(group: FailureGroup<FailureResolution>, now: number): vscode.Diagnostic {
  const { location, detail, traceId } = group.latest;
  const line = Math.max(0, location.line - 1);
  const start = location.column === undefined ? 0 : Math.max(0, location.column - 1);
  // The editor clamps the end to the line's length, so the mark spans the rest of the line.
  const range = new vscode.Range(line, start, line, Number.MAX_SAFE_INTEGER);
  const diagnostic = new vscode.Diagnostic(range, failureGroupMessage(group, now), group.fault ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  diagnostic.source = PROBLEMS_SOURCE;
  diagnostic.code = { value: traceId, target: openTraceUri(traceId) };
  const related = callingFrames(detail, location);
  if (related.length > 0) diagnostic.relatedInformation = related;
  return diagnostic;
}

/** `command:serverlessLens.openTrace?["<id>"]`: the Problems view opens code links with commands allowed. */
function openTraceUri(traceId: string): vscode.Uri {
  return vscode.Uri.parse(`command:${COMMANDS.openTrace}?${encodeURIComponent(JSON.stringify([traceId]))}`);
}

/** The resolved frames that called the throwing line, innermost first, each once. */
function callingFrames(resolution: FailureResolution, primary: Pick<ResolvedLocation, 'file' | 'line'>): vscode.DiagnosticRelatedInformation[] {
  const seen = new Set([`${primary.file}:${primary.line}`]);
  const out: vscode.DiagnosticRelatedInformation[] = [];
  for (const { frame, resolved } of resolution.frames) {
    if (resolved === undefined) continue;
    const key = `${resolved.file}:${resolved.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const position = new vscode.Position(Math.max(0, resolved.line - 1), Math.max(0, (resolved.column ?? 1) - 1));
    const label = frame.label === undefined ? 'called from here' : `called from ${frame.label}`;
    out.push(new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(resolved.file), position), resolved.guess ? `${label} (best guess)` : label));
  }
  return out;
}
