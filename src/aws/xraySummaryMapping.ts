/**
 * GetTraceSummaries rows (SDK shape) → our `TraceSummary` for the Traces view.
 */
import type { ErrorRootCause, FaultRootCause, TraceSummary as XRayTraceSummary } from '@aws-sdk/client-xray';
import type { SpanStatus, TraceSummary } from '../shared/traceModel';

/** Precedence when several flags are set: fault > throttle > error > ok (as the trace model). */
export function summaryStatus(summary: Pick<XRayTraceSummary, 'HasFault' | 'HasThrottle' | 'HasError'>): SpanStatus {
  if (summary.HasFault) {
    return 'fault';
  }
  if (summary.HasThrottle) {
    return 'throttle';
  }
  return summary.HasError ? 'error' : 'ok';
}

/** Epoch milliseconds from the 8-hex epoch part of an X-Ray trace id, if it has one. */
export function traceIdEpochMs(id: string): number | undefined {
  const match = /^1-([0-9a-fA-F]{8})-/.exec(id);
  return match?.[1] ? Number.parseInt(match[1], 16) * 1000 : undefined;
}

function urlPath(url: string): string {
  try {
    return new URL(url).pathname || '/';
  } catch {
    // Not absolute (some SDKs record only the path): show it as recorded.
    return url;
  }
}

function entryPointOf(summary: XRayTraceSummary): string {
  const method = summary.Http?.HttpMethod;
  const url = summary.Http?.HttpURL;
  if (method && url) {
    return `${method} ${urlPath(url)}`;
  }
  const entry = summary.EntryPoint?.Name ?? summary.EntryPoint?.Names?.[0];
  return entry ?? summary.ServiceIds?.[0]?.Name ?? summary.ServiceIds?.[0]?.Names?.[0] ?? url ?? 'unknown';
}

function servicesOf(summary: XRayTraceSummary): string[] {
  const names: string[] = [];
  for (const service of summary.ServiceIds ?? []) {
    const name = service.Name ?? service.Names?.[0];
    if (name && !names.includes(name)) {
      names.push(name);
    }
  }
  return names;
}

/** The failing entity is the last element of the first root cause's EntityPath. */
function rootCauseOf(causes: readonly (FaultRootCause | ErrorRootCause)[] | undefined): TraceSummary['rootCause'] {
  for (const cause of causes ?? []) {
    for (const service of cause.Services ?? []) {
      const path = service.EntityPath ?? [];
      const last = path[path.length - 1];
      const withException = [...path].reverse().find((entity) => (entity.Exceptions?.length ?? 0) > 0);
      const exception = withException?.Exceptions?.[0];
      const rootCause: NonNullable<TraceSummary['rootCause']> = {};
      const serviceName = service.Name ?? service.Names?.[0];
      if (serviceName) rootCause.service = serviceName;
      if (last?.Name) rootCause.entity = last.Name;
      if (exception?.Name) rootCause.exceptionName = exception.Name;
      if (exception?.Message) rootCause.message = exception.Message;
      if (Object.keys(rootCause).length > 0) {
        return rootCause;
      }
    }
  }
  return undefined;
}

function httpOf(summary: XRayTraceSummary): TraceSummary['http'] {
  const http = summary.Http;
  if (!http || (http.HttpMethod === undefined && http.HttpURL === undefined && http.HttpStatus === undefined)) {
    return undefined;
  }
  return {
    ...(http.HttpMethod !== undefined ? { method: http.HttpMethod } : {}),
    ...(http.HttpURL !== undefined ? { url: http.HttpURL } : {}),
    ...(http.HttpStatus !== undefined ? { status: http.HttpStatus } : {}),
  };
}

const toMs = (seconds: number | undefined): number | undefined =>
  seconds === undefined ? undefined : Math.round(seconds * 1_000_000) / 1000;

/** Maps one row; undefined for a row without an id (nothing to open). */
export function mapTraceSummary(summary: XRayTraceSummary): TraceSummary | undefined {
  const id = summary.Id;
  if (!id) {
    return undefined;
  }
  const startEpochMs = summary.StartTime?.getTime() ?? traceIdEpochMs(id) ?? 0;
  const responseTimeMs = toMs(summary.ResponseTime);
  const http = httpOf(summary);
  const rootCause = summary.HasFault ? rootCauseOf(summary.FaultRootCauses) ?? rootCauseOf(summary.ErrorRootCauses) : rootCauseOf(summary.ErrorRootCauses) ?? rootCauseOf(summary.FaultRootCauses);
  return {
    id,
    startEpochMs,
    durationMs: toMs(summary.Duration) ?? 0,
    ...(responseTimeMs !== undefined ? { responseTimeMs } : {}),
    status: summaryStatus(summary),
    hasError: summary.HasError === true,
    hasFault: summary.HasFault === true,
    hasThrottle: summary.HasThrottle === true,
    isPartial: summary.IsPartial === true,
    entryPoint: entryPointOf(summary),
    ...(http ? { http } : {}),
    services: servicesOf(summary),
    ...(rootCause ? { rootCause } : {}),
  };
}
