/**
 * The service map: services of a set of traces and the calls between them, with health and
 * latency. Built in pure `core/serviceGraph/` from the trace model (AWS, local and file traces
 * alike), optionally merged with X-Ray's GetServiceGraph. Plain data only (structured-clone safe),
 * because a graph is posted to the map webview as it is.
 */
import type { ServiceType } from './traceModel';

/** Where a number came from: measured from the traces we read, or X-Ray's aggregate service graph. */
export type GraphNumberSource = 'traces' | 'serviceGraph';

/** Calls and their outcomes. Rates are always shown with these counts beside them. */
export interface GraphCounts {
  /** Every call / request seen. */
  total: number;
  ok: number;
  /** 4xx-style client errors. */
  errors: number;
  /** 5xx-style faults. */
  faults: number;
  /** 429 / throttled. */
  throttles: number;
}

export interface HistogramBucket {
  /** Inclusive lower bound, ms. */
  fromMs: number;
  /** Exclusive upper bound, ms. */
  toMs: number;
  count: number;
}

/** Percentiles computed from the actual durations (nearest-rank), never from averages. */
export interface LatencyStats {
  count: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  histogram: HistogramBucket[];
}

/** Worst state, for the colour and the shape/pattern cue. */
export type GraphHealth = 'ok' | 'error' | 'throttle' | 'fault' | 'unknown';

export interface GraphNode {
  /** Stable across refreshes: `${type}:${name}` (with the account/region when known). */
  id: string;
  /** Service name as X-Ray shows it (`orders-api/prod`, `my-table`, `api.stripe.com`). */
  name: string;
  type: ServiceType;
  /** Lambda nodes: the function name and ARN when known (for Go to Handler / Tail Logs). */
  functionName?: string;
  functionArn?: string;
  /** Resource ARN or URL when known (queue URL, table name, topic ARN, host). */
  resource?: string;
  counts: GraphCounts;
  latency?: LatencyStats;
  health: GraphHealth;
  /** Where `counts`/`latency` came from. */
  source: GraphNumberSource;
  /** Ids of traces through this node (capped; `traceCountCapped` says if more existed). */
  traceIds: string[];
  traceCountCapped?: boolean;
  /** Distinct traces through this node, uncapped (absent for nodes only X-Ray's service graph knows). */
  traceCount?: number;
  /** True for nodes no trace root reaches as a callee: entry clients. */
  root: boolean;
}

export type GraphEdgeKind =
  /** Recorded inside one trace (parent → child segment/subsegment). */
  | 'sync'
  /** Stitched from an explicit link: span links, an AWSTraceHeader-carried parent. */
  | 'linked'
  /** Stitched from circumstantial evidence: shared message id, matching timing. */
  | 'inferred';

export interface EdgeEvidence {
  kind: 'spanLink' | 'awsTraceHeader' | 'messageId' | 'timing';
  /** One sentence for the hover, e.g. "SQS message 5fea7756… sent in trace 1-… received in 1-…". */
  description: string;
  fromTraceId: string;
  toTraceId: string;
}

export interface GraphEdge {
  /** `${from}->${to}` (+ `#linked` / `#inferred` for async edges). */
  id: string;
  from: string;
  to: string;
  kind: GraphEdgeKind;
  counts: GraphCounts;
  latency?: LatencyStats;
  health: GraphHealth;
  source: GraphNumberSource;
  /** Async edges: why we drew them (capped list). */
  evidence?: EdgeEvidence[];
  /** Traces with an error, fault or throttle on this edge (capped), newest first. */
  failingTraceIds: string[];
}

export interface ServiceGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Traces the graph was built from. */
  traceCount: number;
  /** Epoch ms of the window covered. */
  startEpochMs: number;
  endEpochMs: number;
  /** True when GetServiceGraph numbers were merged in for services/edges the traces did not cover. */
  mergedServiceGraph: boolean;
}
