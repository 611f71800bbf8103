/**
 * Per-invocation facts from parsed log lines: the numbers of REPORT (text or JSON), cold start,
 * the trace id, the error, and a verdict with the numbers behind it. These feed the Logs tab's
 * summary rows, the trace view and the inline result at the handler. Pure; never throws on
 * well-typed input.
 */
import type { ParsedFrame } from './stackFrames';
import type { ParsedLogLine, ReportFields } from '../shared/logModel';
import { traceIdsIn } from './lambdaLogParser';

export type InvocationVerdict = 'ok' | 'error' | 'timeout' | 'outOfMemory' | 'nearTimeout' | 'nearMemoryLimit';
export type ColdStartEvidence = 'initDuration' | 'restoreDuration' | 'initStart' | 'powertools';

export interface InvocationError {
  type: string;
  message: string;
  frames: ParsedFrame[];
}

/** The REPORT numbers of the invocation, plus what the other lines of the request tell. */
export interface InvocationFacts
  extends Pick<ReportFields, 'durationMs' | 'billedDurationMs' | 'memorySizeMb' | 'maxMemoryUsedMb' | 'initDurationMs' | 'restoreDurationMs'> {
  requestId: string;
  /** Epoch ms of the first and last line seen for this request. */
  startedAt?: number;
  endedAt?: number;
  coldStart: boolean;
  coldStartEvidence?: ColdStartEvidence;
  xrayTraceId?: string;
  error?: InvocationError;
  /** Seconds from `Task timed out after N seconds`. */
  timedOutAfterSeconds?: number;
  /** The function's configured timeout, when the caller knows it. */
  timeoutMs?: number;
  verdict: InvocationVerdict;
  /** Share of the timeout (0–1+) and of memory size used, when both numbers are known. */
  timeoutRatio?: number;
  memoryRatio?: number;
  /** True once REPORT (or `platform.report`) was seen: the numbers are final. */
  complete: boolean;
  lineCount: number;
}

export interface SummarizeOptions {
  /** The function's timeout in ms for a request, when known (from its configuration). */
  timeoutMs?: (requestId: string) => number | undefined;
}

/** 80 %: the threshold for near-timeout and near memory limit. */
const NEAR = 0.8;

interface Draft {
  facts: InvocationFacts;
  timedOut: boolean;
  outOfMemory: boolean;
  failed: boolean;
}

/**
 * Groups lines by request id, in order of first appearance. Lines without a request id (init-phase
 * lines, INIT_START) attach to the next invocation that starts, as Lambda runs init before it.
 * When every line has a timestamp the lines are sorted first (stable), since Logs Insights returns
 * newest first.
 */
export function summarizeInvocations(lines: readonly ParsedLogLine[], options: SummarizeOptions = {}): InvocationFacts[] {
  const drafts = new Map<string, Draft>();
  let pending: ParsedLogLine[] = [];
  for (const line of chronological(lines)) {
    const requestId = line.requestId;
    if (requestId === undefined || requestId === '') {
      pending.push(line);
      continue;
    }
    let draft = drafts.get(requestId);
    if (!draft) {
      draft = newDraft(requestId);
      drafts.set(requestId, draft);
      for (const early of pending) apply(draft, early, true);
      pending = [];
    }
    apply(draft, line, false);
  }
  return [...drafts.values()].map((draft) => finish(draft, options.timeoutMs?.(draft.facts.requestId)));
}

function chronological(lines: readonly ParsedLogLine[]): readonly ParsedLogLine[] {
  if (!lines.every((line) => typeof line.timestamp === 'number')) return lines;
  return [...lines].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
}

function newDraft(requestId: string): Draft {
  return { facts: { requestId, coldStart: false, verdict: 'ok', complete: false, lineCount: 0 }, timedOut: false, outOfMemory: false, failed: false };
}

function setCold(facts: InvocationFacts, evidence: ColdStartEvidence): void {
  if (!facts.coldStart) {
    facts.coldStart = true;
    facts.coldStartEvidence = evidence;
  }
}

function apply(draft: Draft, line: ParsedLogLine, beforeStart: boolean): void {
  const facts = draft.facts;
  facts.lineCount++;
  if (line.timestamp !== undefined) {
    facts.startedAt = Math.min(facts.startedAt ?? line.timestamp, line.timestamp);
    facts.endedAt = Math.max(facts.endedAt ?? line.timestamp, line.timestamp);
  }
  if (!facts.xrayTraceId) {
    const ids = traceIdsIn(line);
    if (ids[0] !== undefined) facts.xrayTraceId = ids[0];
  }
  switch (line.kind) {
    case 'report': applyReport(draft, line); break;
    case 'platformJson': applyPlatform(draft, line, beforeStart); break;
    case 'initStart': if (beforeStart) setCold(facts, 'initStart'); break;
    case 'timeout': draft.timedOut = true; facts.timedOutAfterSeconds = line.seconds; break;
    case 'outOfMemory': draft.outOfMemory = true; draft.failed = true; break;
    case 'runtimeExit': draft.failed = true; facts.error ??= { type: line.errorType ?? 'Runtime.ExitError', message: line.reason, frames: [] }; break;
    case 'invokeError': draft.failed = true; facts.error ??= { type: line.errorType, message: line.errorMessage, frames: line.frames }; break;
    case 'app': applyApp(draft, line); break;
    default: break;
  }
}

type ReportLike = Extract<ParsedLogLine, { kind: 'report' | 'platformJson' }>;

function applyReport(draft: Draft, line: ReportLike): void {
  const facts = draft.facts;
  facts.complete = true;
  if (line.durationMs !== undefined) facts.durationMs = line.durationMs;
  if (line.billedDurationMs !== undefined) facts.billedDurationMs = line.billedDurationMs;
  if (line.memorySizeMb !== undefined) facts.memorySizeMb = line.memorySizeMb;
  if (line.maxMemoryUsedMb !== undefined) facts.maxMemoryUsedMb = line.maxMemoryUsedMb;
  if (line.initDurationMs !== undefined) {
    facts.initDurationMs = line.initDurationMs;
    setCold(facts, 'initDuration');
  }
  if (line.restoreDurationMs !== undefined) {
    facts.restoreDurationMs = line.restoreDurationMs;
    setCold(facts, 'restoreDuration');
  }
  applyStatus(draft, line.status, line.errorType);
}

function applyStatus(draft: Draft, status: string | undefined, errorType: string | undefined): void {
  if (status === 'timeout' || errorType === 'Sandbox.Timedout') draft.timedOut = true;
  else if (errorType === 'Runtime.OutOfMemory') draft.outOfMemory = true;
  else if (status === 'error' || status === 'failure') {
    draft.failed = true;
    if (errorType !== undefined) draft.facts.error ??= { type: errorType, message: '', frames: [] };
  }
}

function applyPlatform(draft: Draft, line: Extract<ParsedLogLine, { kind: 'platformJson' }>, beforeStart: boolean): void {
  if (line.event === 'report') applyReport(draft, line);
  else if (line.event === 'runtimeDone') applyStatus(draft, line.status, line.errorType);
  else if (line.event === 'initStart' && beforeStart) setCold(draft.facts, 'initStart');
  else if (line.event === 'fault' && line.message !== undefined) {
    draft.failed = true;
    draft.facts.error ??= { type: 'Runtime.ExitError', message: line.message, frames: [] };
  }
}

function applyApp(draft: Draft, line: Extract<ParsedLogLine, { kind: 'app' }>): void {
  if (line.powertools?.coldStart === true) setCold(draft.facts, 'powertools');
}

function finish(draft: Draft, timeoutMs: number | undefined): InvocationFacts {
  const facts = draft.facts;
  if (timeoutMs !== undefined && timeoutMs > 0) facts.timeoutMs = timeoutMs;
  if (facts.durationMs !== undefined && facts.timeoutMs !== undefined) facts.timeoutRatio = facts.durationMs / facts.timeoutMs;
  if (facts.maxMemoryUsedMb !== undefined && facts.memorySizeMb !== undefined && facts.memorySizeMb > 0) facts.memoryRatio = facts.maxMemoryUsedMb / facts.memorySizeMb;
  facts.verdict = verdictOf(draft);
  return facts;
}

function verdictOf(draft: Draft): InvocationVerdict {
  const facts = draft.facts;
  const atMemoryLimit = facts.memoryRatio !== undefined && facts.memoryRatio >= 1;
  // A crash at the memory limit is the OOM kill even when the log says only `Runtime.ExitError`.
  if (draft.outOfMemory || (draft.failed && atMemoryLimit && !facts.error?.frames.length)) return 'outOfMemory';
  if (draft.timedOut || (facts.timeoutRatio !== undefined && facts.timeoutRatio >= 1)) return 'timeout';
  if (draft.failed) return 'error';
  if (facts.timeoutRatio !== undefined && facts.timeoutRatio >= NEAR) return 'nearTimeout';
  if (facts.memoryRatio !== undefined && facts.memoryRatio >= NEAR) return 'nearMemoryLimit';
  return 'ok';
}

const MAX_MESSAGE = 80;

/**
 * One-line result for the handler: `✓ 182 ms · 96/512 MB · 2 s ago`, `✗ TypeError: … · 5 s ago`,
 * `⏱ timed out after 3.00 s · …`, `✗ out of memory (128/128 MB) · …`. `now` is epoch ms.
 */
export function formatInvocationResult(facts: InvocationFacts, now: number): string {
  const ago = agoText(facts, now);
  const parts: string[] = [];
  const memory = facts.maxMemoryUsedMb !== undefined && facts.memorySizeMb !== undefined ? `${facts.maxMemoryUsedMb}/${facts.memorySizeMb} MB` : undefined;
  switch (facts.verdict) {
    case 'timeout': {
      const seconds = facts.timedOutAfterSeconds ?? (facts.durationMs ?? facts.timeoutMs ?? 0) / 1000;
      parts.push(`⏱ timed out after ${seconds.toFixed(2)} s`);
      break;
    }
    case 'outOfMemory':
      parts.push(memory ? `✗ out of memory (${memory})` : '✗ out of memory');
      break;
    case 'error': {
      const type = facts.error?.type ?? 'error';
      const message = facts.error?.message ? `: ${shorten(facts.error.message)}` : '';
      parts.push(`✗ ${type}${message}`);
      break;
    }
    default: {
      const mark = facts.verdict === 'ok' ? '✓' : '⚠';
      parts.push(facts.durationMs !== undefined ? `${mark} ${durationText(facts.durationMs)}` : mark);
      if (facts.verdict === 'nearTimeout' && facts.timeoutMs !== undefined) parts.push(`${Math.round((facts.timeoutRatio ?? 0) * 100)} % of ${durationText(facts.timeoutMs)} timeout`);
      if (memory) parts.push(facts.verdict === 'nearMemoryLimit' ? `${memory} (${Math.round((facts.memoryRatio ?? 0) * 100)} %)` : memory);
    }
  }
  if (ago) parts.push(ago);
  return parts.join(' · ');
}

function shorten(message: string): string {
  const firstLine = message.split(/\r\n|\r|\n/, 1)[0] ?? '';
  return firstLine.length > MAX_MESSAGE ? `${firstLine.slice(0, MAX_MESSAGE - 1)}…` : firstLine;
}

function durationText(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(2))} s`;
}

function agoText(facts: InvocationFacts, now: number): string | undefined {
  const at = facts.endedAt ?? facts.startedAt;
  if (at === undefined || !Number.isFinite(now)) return undefined;
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}
