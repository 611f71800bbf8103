/**
 * The host side of the timeline protocol as the tests and the bench need it: the `trace`
 * message the panel posts (built by the real encoder) and a JSON form that carries typed arrays
 * into the page intact, so the page receives what VS Code delivers.
 */
import { encodeTimelineRows, encodeTraceHeader } from '../../src/core/timelineRows';
import type { HostToTimelineMessage, TimelineViewState, TraceSourceKind } from '../../src/shared/timelineMessages';
import type { Trace } from '../../src/shared/traceModel';

/** Marks a typed array in `toPageJson` text; the page turns it back into one. */
export const TYPED_TAG = '__harnessTypedArray';

/**
 * JSON for the page that keeps typed arrays typed. Playwright's own argument serialization
 * would flatten them, and the page must get what VS Code delivers: real typed arrays.
 */
export function toPageJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? { [TYPED_TAG]: v.constructor.name, data: Array.from(v as unknown as ArrayLike<number>) } : v));
}

export interface TraceMessageOptions {
  source?: TraceSourceKind;
  sourceLabel?: string;
  canOpenInConsole?: boolean;
  restore?: TimelineViewState;
}

/** The `trace` message the host panel posts for `trace`, built by the same encoder. */
export function traceMessage(trace: Trace, options: TraceMessageOptions = {}): HostToTimelineMessage {
  const rows = encodeTimelineRows(trace);
  return {
    type: 'trace',
    header: encodeTraceHeader(trace, rows.count),
    rows,
    source: options.source ?? 'aws',
    sourceLabel: options.sourceLabel ?? 'AWS · default (us-west-2)',
    canOpenInConsole: options.canOpenInConsole ?? true,
    ...(options.restore ? { restore: options.restore } : {}),
  };
}
