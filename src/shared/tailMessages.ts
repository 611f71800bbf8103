/**
 * The tail view protocol, described once and used by both sides (the model is
 * `timelineMessages.ts`).
 *
 * Order of events: the host creates the panel and waits; the webview posts `ready` once its
 * script runs (again each time the hidden panel is shown, as it is not retained); the host then
 * posts `init` with the lines it holds, and from then on `lines` batches (at most a few per
 * second: the tail batches them) and `status` changes. Lines are plain text from CloudWatch Logs
 * and hostile: the page renders them with `textContent` only. Every message the host receives
 * goes through `parseTailToHost` first: the webview is an untrusted boundary.
 */
import type { LogLevel, LogLineKind } from './logModel';
import { asMessage, isBoundedString, isIndex } from './messageParsing';

/** One tailed log event as the view shows it. */
export interface TailViewLine {
  /** Increasing within a session: names the line in messages back to the host. */
  seq: number;
  /** Epoch milliseconds. */
  timestamp: number;
  /** The tailed function (or the log group, when no function is known). */
  fn: string;
  kind: LogLineKind;
  level?: LogLevel;
  /** What the row shows: the message, or a summary for START/END/REPORT. */
  message: string;
  /** The event as CloudWatch stored it, when it differs from `message`. */
  raw?: string;
  /** The invocation's request id (from the line, or from the previous line of its log stream). */
  requestId?: string;
  /** Stack lines as printed; `framesOfLogStack(stack)` gives the frames `openFrame` indexes. */
  stack?: string[];
  /** The line carries JSON that can be shown formatted. */
  json?: boolean;
  /** A REPORT (or platform report) of a cold start. */
  coldStart?: boolean;
}

export type TailViewState = 'connecting' | 'live' | 'polling' | 'reconnecting' | 'stopped';

/** What the status line of the view says; also sent when only the figures change. */
export interface TailViewStatus {
  state: TailViewState;
  source: 'liveTail' | 'polling';
  /** Sentence for the user: why it stopped, why it polls, which attempt reconnects. */
  message?: string;
  /** The tail stopped with an error (shown as an error, with Restart). */
  error?: boolean;
  /** AWS sent a sample at least once in this session (more than 500 events per second). */
  sampled: boolean;
  eventsPerSecond: number;
  /** Live Tail minutes billed so far (0 while polling). */
  billedMinutes: number;
  /** The server-side CloudWatch filter pattern in effect, if any. */
  filterPattern?: string;
}

export interface TailedGroup {
  functionName: string;
  logGroupName: string;
}

export type HostToTailMessage =
  | {
      type: 'init';
      sessionId: string;
      title: string;
      groups: TailedGroup[];
      /** Ring-buffer size of the view (`serverlessLens.tail.maxLines`). */
      maxLines: number;
      /** The filter box text to restore (a pattern or a `/regex/`). */
      filter: string;
      lines: TailViewLine[];
      /** Lines the host dropped at its cap before this replay. */
      dropped: number;
      status: TailViewStatus;
    }
  | { type: 'lines'; lines: TailViewLine[] }
  | { type: 'status'; status: TailViewStatus }
  | { type: 'config'; maxLines: number }
  /** Select and scroll to a line; the page says so when it has left the buffer (or the filter hides it). */
  | { type: 'reveal'; seq: number }
  /** The host refused a filter (invalid regex is caught in the page; this is for patterns). */
  | { type: 'filterError'; message: string };

export type TailToHostMessage =
  | { type: 'ready' }
  /**
   * The filter box changed (debounced by the page). A `/regex/` the page applies itself; the host
   * only remembers it. Anything else is a CloudWatch filter pattern: the host restarts the tail
   * with it (an empty text removes it).
   */
  | { type: 'setFilter'; text: string }
  /** Opens the trace of the request of line `seq` (its trace id from the REPORT or Powertools). */
  | { type: 'openTrace'; seq: number }
  /** Opens frame `frameIndex` of `framesOfLogStack(stack)` of line `seq`. */
  | { type: 'openFrame'; seq: number; frameIndex: number }
  /** The user cleared the view: the host forgets the lines too (a re-shown view stays clear). */
  | { type: 'clear' }
  | { type: 'stop' }
  | { type: 'restart' }
  | { type: 'copy'; text: string };

/** The panel's webview type. */
export const TAIL_VIEW_TYPE = 'serverlessLens.tail';

/** Longest filter text accepted: far above any pattern, small enough to be cheap. */
export const MAX_FILTER_LENGTH = 1_024;
const MAX_COPY = 4_000_000;
/** Bound of frame indexes (as the timeline's). */
const MAX_FRAME_INDEX = 10_000;

/**
 * Validates a message from the tail webview. Returns `undefined` for anything that is not exactly
 * one of the known shapes, so the host can drop it (and log it) without further checks.
 */
export function parseTailToHost(raw: unknown): TailToHostMessage | undefined {
  const message = asMessage(raw);
  if (message === undefined) return undefined;
  switch (message.type) {
    case 'ready':
    case 'clear':
    case 'stop':
    case 'restart':
      return { type: message.type };
    case 'setFilter':
      return isBoundedString(message.text, MAX_FILTER_LENGTH) ? { type: 'setFilter', text: message.text } : undefined;
    case 'openTrace':
      return isIndex(message.seq) ? { type: 'openTrace', seq: message.seq } : undefined;
    case 'openFrame': {
      const { seq, frameIndex } = message;
      return isIndex(seq) && isIndex(frameIndex, MAX_FRAME_INDEX) ? { type: 'openFrame', seq, frameIndex } : undefined;
    }
    case 'copy':
      return isBoundedString(message.text, MAX_COPY) ? { type: 'copy', text: message.text } : undefined;
    default:
      return undefined;
  }
}
