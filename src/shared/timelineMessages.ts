/**
 * The timeline webview protocol, described once and used by both sides.
 *
 * Order of events: the host creates the panel and waits; the webview posts `ready` once its
 * script runs; only then does the host post `loading` / `trace` / `error`. The `trace` message
 * carries the rows in columnar form (`TimelineRows`), not the `Trace`; the webview asks for a
 * span's full record with `requestSpan` when it shows its details, and the host answers `span`.
 * Every message the host receives goes through `parseTimelineToHost` first: the webview is an
 * untrusted boundary.
 */
import type { TimelineRows, TimelineTraceHeader } from './timelineRows';
import type { Span } from './traceModel';
import type { TimelineInvocation, TimelineLogLine, TimelineLogsState } from './timelineLogs';
import { MAX_LOG_LINES } from './timelineLogs';
import { asMessage, isBoundedString, isIndex } from './messageParsing';

/** The panel's webview type, also used by the serializer that restores it after a reload. */
export const TIMELINE_VIEW_TYPE = 'serverlessLens.traceTimeline';

/** Where a trace was read from; the host uses it to fetch the trace again after a reload. */
export type TraceSourceKind = 'aws' | 'local' | 'file';

/**
 * The only state the webview persists with `setState` (ids and UI state, never trace data).
 * The serializer reads `traceId` and `source` from it to refetch the trace.
 */
export interface TimelineViewState {
  traceId: string;
  source: TraceSourceKind;
  selectedSpanId?: string;
  collapsedSpanIds?: string[];
  search?: string;
  scrollTop?: number;
  /** Height share of the details pane, 0..1. */
  detailsRatio?: number;
  /** The tab shown; absent means Spans. Logs restored means the logs are asked for again. */
  tab?: 'spans' | 'logs';
}

export type HostToTimelineMessage =
  | { type: 'loading'; traceId: string; message: string }
  | {
      type: 'trace';
      header: TimelineTraceHeader;
      /** Typed-array columns: VS Code (1.57+) posts them as binary blocks, not as JSON. */
      rows: TimelineRows;
      source: TraceSourceKind;
      /** Label of the source shown in the header, such as `AWS · prod (eu-west-1)`. */
      sourceLabel: string;
      /** True when the host can open the trace in the AWS console. */
      canOpenInConsole: boolean;
      /** UI state to restore (after a reload), if any. */
      restore?: TimelineViewState;
    }
  | { type: 'error'; traceId: string; message: string; canRetry: boolean }
  | { type: 'revealSpan'; spanId: string }
  /** The answer to `requestSpan`: the full span, from the trace the panel holds. */
  | { type: 'span'; span: Span }
  /**
   * The answer to `requestLogs`: `loading` (maybe several, at most every ~250 ms, with a
   * progress `message`), then one of `done`, `error`, `unavailable` (missing permission, named
   * in `message`). Lines are sorted by time and capped (`truncated`).
   */
  | {
      type: 'logs';
      state: TimelineLogsState;
      lines: TimelineLogLine[];
      invocations: TimelineInvocation[];
      /** `local`: the log records of the local OTLP receiver (no AWS call). */
      source?: 'insights' | 'filterLogEvents' | 'local';
      truncated?: boolean;
      message?: string;
      /** What was searched, for the empty state ("No log lines for this trace in …"). */
      logGroups?: string[];
    };

export type TimelineToHostMessage =
  | { type: 'ready' }
  | { type: 'spanSelected'; spanId: string }
  /** Asks for the full record of a span of the trace shown; unknown ids get no answer. */
  | { type: 'requestSpan'; spanId: string }
  | { type: 'copy'; text: string; what: CopyWhat }
  | { type: 'openInConsole' }
  /** Sent when the user opens the Logs tab (never before): the host fetches the trace's logs. */
  | { type: 'requestLogs' }
  /** The user no longer waits for the logs (or asked again): the host aborts the queries. */
  | { type: 'cancelLogs' }
  /** Opens the same Logs Insights query (groups, window, query) in the CloudWatch console. */
  | { type: 'openLogsInConsole' }
  | { type: 'retry' }
  /**
   * "Go to source" on a failing span: the host opens the workspace line that threw (the first
   * frame of the span's exceptions that is the user's own code), or the function's handler.
   */
  | { type: 'goToSource'; spanId: string }
  /**
   * A stack frame clicked in the details pane: `cause.exceptions[exceptionIndex].stack[frameIndex]`
   * of the span, as the host sent it in `span`. Indexes are non-negative integers below
   * `MAX_INDEX`; the host checks them against the span it holds.
   */
  | { type: 'openFrame'; spanId: string; exceptionIndex: number; frameIndex: number }
  /**
   * A stack frame clicked in the Logs tab: frame `frameIndex` of `framesOfLogStack(stack)` of the
   * line at `lineIndex` of the last `logs` message. The host checks both against what it sent.
   */
  | { type: 'openLogFrame'; lineIndex: number; frameIndex: number };

export type CopyWhat = 'traceId' | 'spanId' | 'value' | 'logs';

const MAX_TEXT = 100_000;
/** Copied log lines: up to `MAX_LOG_LINES` lines of up to a few hundred characters each. */
const MAX_COPY_LOGS = 4_000_000;
const MAX_ID = 200;
/** Bound of exception and frame indexes: far above any real stack, small enough to be cheap. */
export const MAX_INDEX = 10_000;

/** A span id the host can look up: non-empty and at most `MAX_ID` characters. */
function isSpanId(value: unknown): value is string {
  return isBoundedString(value, MAX_ID) && value !== '';
}

function parseOpenFrame(message: Record<string, unknown>): TimelineToHostMessage | undefined {
  const { spanId, exceptionIndex, frameIndex } = message;
  if (!isSpanId(spanId) || !isIndex(exceptionIndex, MAX_INDEX) || !isIndex(frameIndex, MAX_INDEX)) {
    return undefined;
  }
  return { type: 'openFrame', spanId, exceptionIndex, frameIndex };
}

function parseOpenLogFrame(message: Record<string, unknown>): TimelineToHostMessage | undefined {
  const { lineIndex, frameIndex } = message;
  // Line indexes go up to MAX_LOG_LINES, frame indexes up to MAX_INDEX.
  return isIndex(lineIndex, MAX_LOG_LINES) && isIndex(frameIndex, MAX_INDEX) ? { type: 'openLogFrame', lineIndex, frameIndex } : undefined;
}

function parseCopy(message: Record<string, unknown>): TimelineToHostMessage | undefined {
  const what = message.what;
  if (what !== 'traceId' && what !== 'spanId' && what !== 'value' && what !== 'logs') {
    return undefined;
  }
  return isBoundedString(message.text, what === 'logs' ? MAX_COPY_LOGS : MAX_TEXT) ? { type: 'copy', text: message.text, what } : undefined;
}

/**
 * Validates a message from the timeline webview. Returns `undefined` for anything that is not
 * exactly one of the known shapes, so the host can drop it (and log it) without further checks.
 */
export function parseTimelineToHost(raw: unknown): TimelineToHostMessage | undefined {
  const message = asMessage(raw);
  if (message === undefined) {
    return undefined;
  }
  switch (message.type) {
    case 'ready':
      return { type: 'ready' };
    case 'openInConsole':
      return { type: 'openInConsole' };
    case 'retry':
      return { type: 'retry' };
    case 'requestLogs':
    case 'cancelLogs':
    case 'openLogsInConsole':
      return { type: message.type };
    case 'spanSelected':
      return isBoundedString(message.spanId, MAX_ID) ? { type: 'spanSelected', spanId: message.spanId } : undefined;
    case 'requestSpan':
      // The host looks the id up in a map: an empty or oversized id can only be a bad message.
      return isSpanId(message.spanId) ? { type: 'requestSpan', spanId: message.spanId } : undefined;
    case 'goToSource':
      return isSpanId(message.spanId) ? { type: 'goToSource', spanId: message.spanId } : undefined;
    case 'openFrame':
      return parseOpenFrame(message);
    case 'openLogFrame':
      return parseOpenLogFrame(message);
    case 'copy':
      return parseCopy(message);
    default:
      return undefined;
  }
}

/** Validates a persisted view state handed back by VS Code to the serializer. */
export function parseTimelineViewState(raw: unknown): TimelineViewState | undefined {
  const state = asMessage(raw);
  if (state === undefined || !isBoundedString(state.traceId, 200)) {
    return undefined;
  }
  const source = state.source === 'local' || state.source === 'file' ? state.source : 'aws';
  const result: TimelineViewState = { traceId: state.traceId, source };
  if (isBoundedString(state.selectedSpanId, 200)) {
    result.selectedSpanId = state.selectedSpanId;
  }
  if (Array.isArray(state.collapsedSpanIds)) {
    result.collapsedSpanIds = state.collapsedSpanIds.filter((id): id is string => isBoundedString(id, 200)).slice(0, 100_000);
  }
  if (isBoundedString(state.search, 1000)) {
    result.search = state.search;
  }
  if (typeof state.scrollTop === 'number' && Number.isFinite(state.scrollTop) && state.scrollTop >= 0) {
    result.scrollTop = state.scrollTop;
  }
  if (typeof state.detailsRatio === 'number' && state.detailsRatio > 0 && state.detailsRatio < 1) {
    result.detailsRatio = state.detailsRatio;
  }
  if (state.tab === 'spans' || state.tab === 'logs') {
    result.tab = state.tab;
  }
  return result;
}
