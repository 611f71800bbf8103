/**
 * X-Ray's aggregate service graph (GetServiceGraph) for a time range, to merge into the map
 * built from traces (`core/serviceGraph/mergeServiceGraph.ts`). Long ranges are split into
 * windows of at most 6 hours like trace search (the API reference states no maximum range; the
 * console's deep links allow 6 h, see aws-facts §5), each paged with NextToken and retried with
 * back-off when throttled; the windows are combined into one snapshot.
 */
import { GetServiceGraphCommand } from '@aws-sdk/client-xray';
import type { GetServiceGraphCommandOutput, XRayClient } from '@aws-sdk/client-xray';
import { combineSnapshots, ServiceGraphFormatError, snapshotFromResponse } from '../core/serviceGraph/serviceGraphSnapshot';
import type { ServiceGraphSnapshot } from '../core/serviceGraph/serviceGraphSnapshot';
import { isAbortError, isThrottlingError, retryThrottled, throwIfAborted } from './backoff';
import { MAX_SEARCH_WINDOW_MS, searchWindows } from './xrayTraceSearch';

export interface ServiceGraphQuery {
  startTime: Date;
  endTime: Date;
  /** An X-Ray group to restrict the graph to. */
  groupName?: string;
}

/** Longest window per GetServiceGraph call. */
export const MAX_SERVICE_GRAPH_WINDOW_MS = MAX_SEARCH_WINDOW_MS;
/** Pages followed per window before giving up on a NextToken that never ends. */
const MAX_PAGES_PER_WINDOW = 50;

/** The service graph answer could not be read (not JSON, or not the shape X-Ray sends). */
export class ServiceGraphReadError extends Error {
  override readonly name = 'ServiceGraphReadError';
}

function readFailure(error: unknown): ServiceGraphReadError | undefined {
  if (error instanceof ServiceGraphFormatError) return new ServiceGraphReadError(`X-Ray's service graph could not be read: ${error.message}`);
  // The SDK reports a body it cannot parse as a SyntaxError (or a deserialization error) carrying `$response`.
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  if (error instanceof SyntaxError || name === 'SyntaxError' || name === 'DeserializationError') {
    const message = error instanceof Error ? error.message : String(error);
    return new ServiceGraphReadError(`X-Ray's service graph answer is not valid JSON and was ignored: ${message.split('\n')[0] ?? ''}`);
  }
  return undefined;
}

async function fetchWindow(client: XRayClient, query: ServiceGraphQuery, window: { start: Date; end: Date }, signal: AbortSignal): Promise<ServiceGraphSnapshot> {
  const fallback = { startEpochMs: window.start.getTime(), endEpochMs: window.end.getTime() };
  let snapshot: ServiceGraphSnapshot | undefined;
  let nextToken: string | undefined;
  let page = 0;
  do {
    throwIfAborted(signal);
    const command = new GetServiceGraphCommand({
      StartTime: window.start,
      EndTime: window.end,
      ...(query.groupName ? { GroupName: query.groupName } : {}),
      ...(nextToken ? { NextToken: nextToken } : {}),
    });
    const output: GetServiceGraphCommandOutput = await retryThrottled(() => client.send(command, { abortSignal: signal }), signal);
    const part = snapshotFromResponse(output, fallback);
    // Reference ids hold across the pages of one call, so pages simply concatenate.
    snapshot = snapshot === undefined ? part : { ...snapshot, services: snapshot.services.concat(part.services), containsOldGroupVersions: snapshot.containsOldGroupVersions || part.containsOldGroupVersions };
    nextToken = output.NextToken || undefined;
    page += 1;
  } while (nextToken !== undefined && page < MAX_PAGES_PER_WINDOW);
  return snapshot ?? { ...fallback, services: [], containsOldGroupVersions: false };
}

/**
 * The service graph of [startTime, endTime]. Throws `ServiceGraphReadError` for an unreadable
 * answer, the SDK's error for anything else (throttling after retries, access denied), or an
 * AbortError when `signal` aborts.
 */
export async function fetchServiceGraph(client: XRayClient, query: ServiceGraphQuery, signal: AbortSignal): Promise<ServiceGraphSnapshot> {
  const snapshots: ServiceGraphSnapshot[] = [];
  try {
    for (const window of searchWindows(query.startTime, query.endTime, MAX_SERVICE_GRAPH_WINDOW_MS)) {
      snapshots.push(await fetchWindow(client, query, window, signal));
    }
  } catch (error) {
    if (isAbortError(error, signal) || isThrottlingError(error)) throw error;
    throw readFailure(error) ?? error;
  }
  // Reference ids are per call; combining keys the windows' services by type and name instead.
  const combined = combineSnapshots(snapshots);
  return snapshots.length === 0
    ? { ...combined, startEpochMs: query.startTime.getTime(), endEpochMs: query.endTime.getTime() }
    : combined;
}
