/**
 * The recent invocations of each tailed function, from the tail's parsed lines: what the inline
 * result at the handler shows (the latest finished invocation, its facts and its log lines) and
 * what an alert needs to know about a line's invocation (its X-Ray trace id, which the REPORT line
 * carries after the error). Pure and bounded: a few requests per function, a few lines per
 * request, whatever the tail's rate.
 */
import { summarizeInvocations } from './invocationFacts';
import { traceIdsIn } from './lambdaLogParser';
import type { InvocationFacts } from './invocationFacts';
import type { ParsedLogLine } from '../shared/logModel';

/** Where a line sits in the tail (`TailFeed.revealLine` arguments). */
export interface TailLineRef {
  sessionId: string;
  seq: number;
}

export interface TrackedLine {
  line: ParsedLogLine;
  ref: TailLineRef;
}

export interface TailInvocation {
  functionName: string;
  requestId: string;
  facts: InvocationFacts;
  /** The invocation's newest lines, oldest first (at most {@link MAX_SHOWN_LINES}). */
  lines: readonly TrackedLine[];
  /** Lines of the invocation not kept in `lines`. */
  droppedLines: number;
  /** The line "show in tail" selects: the first error line, else REPORT, else the newest. */
  revealRef: TailLineRef;
}

/** Requests kept per function: enough to find the latest finished one among concurrent starts. */
export const MAX_REQUESTS = 16;
export const MAX_SHOWN_LINES = 40;
/** Lines that carry facts (platform lines, errors, Powertools fields) kept per request. */
const MAX_FACT_LINES = 64;
/** Init-phase lines without a request id, waiting for the invocation they belong to. */
const MAX_PENDING = 20;
/**
 * Requests whose trace id and end are remembered after their lines are forgotten: a storm of
 * other requests must not make an alert on an earlier line lose the trace its REPORT named.
 */
export const MAX_KNOWN_REQUESTS = 512;

/** What is known about a request after its lines may have been dropped. */
export interface RequestOutline {
  traceId?: string;
  /** REPORT (or `platform.report`) was seen. */
  finished: boolean;
}

interface RequestDraft {
  requestId: string;
  factLines: ParsedLogLine[];
  shown: TrackedLine[];
  dropped: number;
  errorRef?: TailLineRef;
  reportRef?: TailLineRef;
  lastRef: TailLineRef;
  facts?: InvocationFacts;
}

interface FunctionLog {
  requests: Map<string, RequestDraft>;
  outlines: Map<string, RequestOutline>;
  pending: TrackedLine[];
  /** Bumped on every line: consumers redraw only what changed. */
  version: number;
}

export class TailInvocationLog {
  private readonly functions = new Map<string, FunctionLog>();

  /** Adds one line of `functionName`'s tail. `timestamp` (epoch ms) stands in when the line has no time of its own. */
  add(functionName: string, parsed: ParsedLogLine, ref: TailLineRef, timestamp?: number): void {
    const line = parsed.timestamp === undefined && timestamp !== undefined ? { ...parsed, timestamp } : parsed;
    let log = this.functions.get(functionName);
    if (log === undefined) {
      log = { requests: new Map(), outlines: new Map(), pending: [], version: 0 };
      this.functions.set(functionName, log);
    }
    log.version++;
    const requestId = line.requestId;
    if (requestId === undefined || requestId === '') {
      log.pending.push({ line, ref });
      if (log.pending.length > MAX_PENDING) log.pending.shift();
      return;
    }
    let draft = log.requests.get(requestId);
    if (draft === undefined) {
      draft = { requestId, factLines: [], shown: [], dropped: 0, lastRef: ref };
      for (const early of log.pending.splice(0)) record(draft, early);
      log.requests.set(requestId, draft);
      if (log.requests.size > MAX_REQUESTS) log.requests.delete(log.requests.keys().next().value as string);
    }
    record(draft, { line, ref });
    outline(log, requestId, line);
  }

  /** The trace id and end of a request, kept longer than its lines. */
  outline(functionName: string, requestId: string): RequestOutline | undefined {
    return this.functions.get(functionName)?.outlines.get(requestId);
  }

  /**
   * The latest invocation with a result: REPORT seen, or already failed (an error line, a
   * timeout). "Latest" is the one that ended last; an invocation still running does not hide
   * the previous result.
   */
  latestResult(functionName: string): TailInvocation | undefined {
    const log = this.functions.get(functionName);
    if (log === undefined) return undefined;
    let best: { draft: RequestDraft; facts: InvocationFacts; at: number } | undefined;
    for (const draft of log.requests.values()) {
      const facts = factsOf(draft);
      if (!facts.complete && facts.verdict === 'ok') continue;
      const at = facts.endedAt ?? facts.startedAt ?? 0;
      if (best === undefined || at >= best.at) best = { draft, facts, at };
    }
    return best === undefined ? undefined : invocationOf(functionName, best.draft, best.facts);
  }

  invocation(functionName: string, requestId: string): TailInvocation | undefined {
    const draft = this.functions.get(functionName)?.requests.get(requestId);
    return draft === undefined ? undefined : invocationOf(functionName, draft, factsOf(draft));
  }

  /** Changes with every line of `functionName` (undefined when nothing is known about it). */
  version(functionName: string): number | undefined {
    return this.functions.get(functionName)?.version;
  }

  functionNames(): string[] {
    return [...this.functions.keys()];
  }

  /** Keeps only the functions in `names` (the ones still tailed). */
  retain(names: ReadonlySet<string>): void {
    for (const name of [...this.functions.keys()]) if (!names.has(name)) this.functions.delete(name);
  }

  clear(): void {
    this.functions.clear();
  }
}

function record(draft: RequestDraft, tracked: TrackedLine): void {
  const { line, ref } = tracked;
  draft.facts = undefined;
  draft.lastRef = ref;
  draft.shown.push(tracked);
  if (draft.shown.length > MAX_SHOWN_LINES) {
    draft.shown.shift();
    draft.dropped++;
  }
  if (isErrorLine(line)) draft.errorRef ??= ref;
  if (line.kind === 'report' || (line.kind === 'platformJson' && line.event === 'report')) draft.reportRef ??= ref;
  if (carriesFacts(line) && draft.factLines.length < MAX_FACT_LINES) draft.factLines.push(line);
}

function outline(log: FunctionLog, requestId: string, line: ParsedLogLine): void {
  const traceId = line.kind === 'report' || line.kind === 'platformJson' || line.kind === 'app' ? traceIdsIn(line)[0] : undefined;
  const finished = line.kind === 'report' || (line.kind === 'platformJson' && line.event === 'report');
  let known = log.outlines.get(requestId);
  if (known === undefined) {
    if (traceId === undefined && !finished) return;
    known = { finished: false };
    log.outlines.set(requestId, known);
    if (log.outlines.size > MAX_KNOWN_REQUESTS) log.outlines.delete(log.outlines.keys().next().value as string);
  }
  if (traceId !== undefined) known.traceId ??= traceId;
  if (finished) known.finished = true;
}

function isErrorLine(line: ParsedLogLine): boolean {
  switch (line.kind) {
    case 'invokeError':
    case 'timeout':
    case 'outOfMemory':
    case 'runtimeExit':
      return true;
    case 'app':
      return line.stack !== undefined || line.level === 'error' || line.level === 'fatal';
    default:
      return false;
  }
}

/** Everything but plain app lines; app lines only for Powertools cold start or a trace id. */
function carriesFacts(line: ParsedLogLine): boolean {
  if (line.kind !== 'app') return true;
  return line.powertools?.coldStart !== undefined || traceIdsIn(line).length > 0;
}

function factsOf(draft: RequestDraft): InvocationFacts {
  if (draft.facts === undefined) {
    const facts = summarizeInvocations(draft.factLines).find((candidate) => candidate.requestId === draft.requestId);
    draft.facts = facts ?? { requestId: draft.requestId, coldStart: false, verdict: 'ok', complete: false, lineCount: 0 };
    // The facts saw only the lines that carry them; the invocation's time spans all its lines.
    const times = draft.shown.map((tracked) => tracked.line.timestamp).filter((time): time is number => time !== undefined);
    if (times.length > 0) {
      draft.facts.startedAt = Math.min(draft.facts.startedAt ?? Infinity, ...times);
      draft.facts.endedAt = Math.max(draft.facts.endedAt ?? -Infinity, ...times);
    }
    draft.facts.lineCount = draft.shown.length + draft.dropped;
  }
  return draft.facts;
}

function invocationOf(functionName: string, draft: RequestDraft, facts: InvocationFacts): TailInvocation {
  return {
    functionName,
    requestId: draft.requestId,
    facts,
    lines: draft.shown,
    droppedLines: draft.dropped,
    revealRef: draft.errorRef ?? draft.reportRef ?? draft.lastRef,
  };
}
