/**
 * The columnar wire form of a trace's rows, posted to the timeline webview instead of the whole
 * `Trace`. A 100,000-span `Trace` is millions of small objects (≈50 MB) that structured clone
 * copies one by one and the page's collector then has to trace; here every numeric column is one
 * typed array (cloned as one block) and text is a handful of string arrays. Built by
 * `core/timelineRows.ts`; the webview fetches a span's full details on demand (`requestSpan`).
 */
import type { ServiceType, SpanKind, SpanStatus, Trace } from './traceModel';

/** `status[i]` indexes this array. */
export const SPAN_STATUSES = ['ok', 'error', 'fault', 'throttle'] as const satisfies readonly SpanStatus[];

/** `kind[i]` indexes this array. */
export const SPAN_KINDS = ['segment', 'subsegment', 'inferred'] as const satisfies readonly SpanKind[];

/** `serviceType[i]` indexes this array. Append only: the index is the wire value. */
export const SERVICE_TYPES = [
  'client',
  'apiGateway',
  'lambda',
  'lambdaFunction',
  'dynamodb',
  'sqs',
  'sns',
  's3',
  'eventbridge',
  'stepFunctions',
  'ec2',
  'ecs',
  'elasticBeanstalk',
  'awsService',
  'http',
  'sql',
  'internal',
] as const satisfies readonly ServiceType[];

// Compile-time guards: adding a member to the model's unions without listing it here fails the build.
type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : Exclude<All, Listed>;
const allServiceTypesListed: Missing<ServiceType, (typeof SERVICE_TYPES)[number]> = true;
const allStatusesListed: Missing<SpanStatus, (typeof SPAN_STATUSES)[number]> = true;
const allKindsListed: Missing<SpanKind, (typeof SPAN_KINDS)[number]> = true;
void [allServiceTypesListed, allStatusesListed, allKindsListed];

/** Bits of `flags[i]`. */
export const ROW_FLAG = {
  coldStart: 1,
  inProgress: 2,
  /** Started before its parent and was clamped to it. */
  clockSkew: 4,
  /** The next row is its first child. */
  hasChildren: 8,
  /** The span's cause lists at least one exception. */
  hasException: 16,
} as const;

/**
 * One row per span, in depth-first pre-order (parents before children, siblings by start time):
 * the descendants of row i are exactly the rows after it with a greater depth, up to the first
 * row whose depth is not greater. Every column has `count` entries.
 */
export interface TimelineRows {
  count: number;
  /** Span ids, unique. */
  ids: string[];
  names: string[];
  /** The dim text after the name (AWS operation · resource, HTTP method and status, SQL engine); '' for none. */
  secondary: string[];
  /** Row index of the parent, -1 for roots; always less than the row's own index. */
  parent: Int32Array;
  /** 0 for roots, parent's depth + 1 otherwise (Int32: generated chains exceed 65,535). */
  depth: Int32Array;
  /** Milliseconds from the trace start. */
  startMs: Float64Array;
  durationMs: Float64Array;
  /** Index into `SPAN_STATUSES`. */
  status: Uint8Array;
  /** Index into `SERVICE_TYPES`. */
  serviceType: Uint8Array;
  /** Index into `SPAN_KINDS`. */
  kind: Uint8Array;
  /** `ROW_FLAG` bits. */
  flags: Uint8Array;
  /** Lower-cased text search matches against, fields separated by '\n'. */
  searchText: string[];
}

/** What the timeline header shows about the trace as a whole. */
export interface TimelineTraceHeader
  extends Pick<Trace, 'id' | 'startEpochMs' | 'durationMs' | 'status' | 'entryPoint' | 'services' | 'coldStart' | 'inProgress' | 'limitExceeded' | 'warnings'> {
  /** Rows in the posted `TimelineRows` (spans with duplicate ids are shown once). */
  spanCount: number;
}

const TYPED_COLUMNS = [
  ['parent', Int32Array],
  ['depth', Int32Array],
  ['startMs', Float64Array],
  ['durationMs', Float64Array],
  ['status', Uint8Array],
  ['serviceType', Uint8Array],
  ['kind', Uint8Array],
  ['flags', Uint8Array],
] as const;

const STRING_COLUMNS = ['ids', 'names', 'secondary', 'searchText'] as const;

/**
 * True when `value` has every column with the right type and length. The webview checks this so
 * a malformed message (or a transport that flattened the typed arrays) shows an error instead of
 * breaking the page. Element types of the string columns are not checked: that would be a pass
 * over 400,000 strings for a trusted sender.
 */
export function isTimelineRows(value: unknown): value is TimelineRows {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const rows = value as Record<string, unknown>;
  const count = rows.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    return false;
  }
  const typedOk = TYPED_COLUMNS.every(([key, type]) => {
    const column = rows[key];
    return column instanceof type && column.length === count;
  });
  return typedOk && STRING_COLUMNS.every((key) => Array.isArray(rows[key]) && (rows[key] as unknown[]).length === count);
}
