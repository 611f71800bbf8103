/**
 * What `activate()` returns. Only the extension's own tests use it: it lets the extension-host
 * suite read what the views show without scraping the workbench DOM.
 */
export interface TraceRowSnapshot {
  id: string;
  label: string;
  description: string;
  status: 'ok' | 'error' | 'fault' | 'throttle';
  coldStart: boolean;
}

/** The Traces view by source: `grouped` when it shows the Local and AWS groups. */
export interface TraceRowsBySource {
  grouped: boolean;
  /** The group rows as shown (label and description), Local first; empty when not grouped. */
  groups: { source: 'local' | 'aws'; label: string; description: string }[];
  /** Local rows after the errors-only toggle and the filter, newest first. */
  local: TraceRowSnapshot[];
  aws: TraceRowSnapshot[];
}

/** The local receivers as the status bar and the Local group describe them. */
export interface LocalReceiversSnapshot {
  running: boolean;
  /** Bound `host:port` while running (the real port when 0 was configured). */
  udp?: string;
  otlp?: string;
  /** The message of the last failed start, if any. */
  error?: string;
  traceCount: number;
  counters?: { datagrams: number; otlpRequests: number; segments: number; spans: number; logRecords: number; malformed: number; droppedRate: number; droppedBytes: number; evictedTraces: number };
}

/** What an open timeline panel shows. */
export interface TimelineSnapshot {
  loaded: boolean;
  source?: 'aws' | 'local' | 'file';
  sourceLabel?: string;
  canOpenInConsole?: boolean;
}

export interface ServerlessLensTestApi {
  /** Resolves when the Traces view's current load (and its background trace fetch) has settled. */
  tracesSettled(): Promise<void>;
  /** The Traces view rows as shown, newest first (trace rows only, not "Load more"). */
  traceRows(): TraceRowSnapshot[];
  /** Value of the `serverlessLens.tracesState` context key. */
  tracesState(): string;
  /** Trace ids of the open timeline panels. */
  openTimelines(): string[];
  /** The Traces view's rows per source (Local and AWS). */
  traceRowsBySource(): TraceRowsBySource;
  /** The local receivers' state and counters. */
  localReceivers(): LocalReceiversSnapshot;
  /** The open timeline of `traceId`, if any. */
  timeline(traceId: string): TimelineSnapshot | undefined;
  /** How often the Traces view was redrawn since activation: in all, from the root, and its Local group (plus the Local redraws skipped as unchanged). */
  tracesRefreshes?(): TracesRefreshCounts;
  /** Lines every open tail holds, oldest first (`receivedAt`: when the extension parsed the event). */
  tailLines?(): TailLineSnapshot[];
  /** The open tails: state, functions, lines posted to their views, and the status bar text. */
  tailSessions?(): TailSessionSnapshot[];
  /** Inline results drawn at tailed handlers in visible editors (1-based lines). */
  inlineResults?(): { file: string; line: number; text: string }[];
  /** Marks drawn at the lines tailed stacks point to, in visible editors (1-based lines). */
  stackMarks?(): { file: string; line: number; text: string }[];
  /** Alert notifications raised so far, oldest first, with their action titles. */
  alertNotifications?(): { message: string; actions: string[] }[];
  /** Runs action `title` of alert `index` as its button does. */
  runAlertAction?(index: number, title: string): Promise<void>;
  /** The open Trace File editors: the file, its format and the trace shown. */
  traceFiles?(): TraceFileSnapshot[];
  /** The open service map as last drawn, or undefined when it is closed. */
  serviceMap?(): ServiceMapSnapshot | undefined;
  /** Resolves once the Traces view settled and the open service map drew what it lists. */
  serviceMapSettled?(): Promise<void>;
  /** Hands `message` to the service map as if its page had posted it (same parser); false when rejected or closed. */
  serviceMapReceive?(message: unknown): Promise<boolean>;
}

/** The service map as last posted to its page. */
export interface ServiceMapSnapshot {
  nodes: { id: string; name: string; type: string }[];
  edges: { id: string; from: string; to: string; kind: string }[];
  notes: string[];
  traceCount: number;
  selected?: { kind: 'node' | 'edge'; id: string };
  highlightedTraceId?: string;
  /** While the Traces view lists Local and AWS traces: the scope drawn and each side's count. */
  scope?: { scope: 'all' | 'local' | 'aws'; local: number; aws: number };
  /** The source line above the map, e.g. `Local receivers`. */
  sourceLabel?: string;
}

export interface TraceFileSnapshot {
  uri: string;
  /** `batchGetTraces`, `segmentDocuments`, `daemonDatagrams`, `otlpJson`; undefined when not a trace file. */
  format?: string;
  traceCount: number;
  /** The trace shown. */
  traceId?: string;
  spans: number;
  /** Problems found in the file (bad JSON, skipped values). */
  problems: number;
  /** True once the timeline was sent the trace. */
  loaded: boolean;
}

export interface TailLineSnapshot {
  sessionId: string;
  seq: number;
  functionName?: string;
  kind: string;
  message: string;
  requestId?: string;
  timestamp: number;
  receivedAt?: number;
}

export interface TailSessionSnapshot {
  id: string;
  functions: string[];
  logGroups: string[];
  state: string;
  source: string;
  running: boolean;
  filterPattern?: string;
  /** The tail view's page is loaded and receives lines. */
  viewReady: boolean;
  /** Lines posted to the view (replays included) and when the last batch went. */
  postedLines: number;
  lastPostedAt?: number;
  statusBarText?: string;
}

export interface TracesRefreshCounts {
  total: number;
  root: number;
  local: number;
  localSkipped: number;
}

export interface ServerlessLensApi {
  readonly testing: ServerlessLensTestApi;
}
