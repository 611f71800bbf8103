/**
 * Derives what GetTraceSummaries would say about a trace from its segment documents, for the
 * local X-Ray server. Parses the JSON itself (independent of src/core, so a bug there cannot
 * hide behind the same bug here). Wire shapes use the API's member names and epoch seconds.
 */

type Json = Record<string, unknown>;

export type WireStatus = 'ok' | 'error' | 'fault' | 'throttle';

export interface DerivedTrace {
  id: string;
  /** Epoch seconds of the earliest start. */
  startTime: number;
  /** Epoch seconds of the latest end. */
  endTime: number;
  status: WireStatus;
  hasFault: boolean;
  hasError: boolean;
  hasThrottle: boolean;
  responseTime: number;
  duration: number;
  httpStatus?: number;
  httpUrl?: string;
  httpMethod?: string;
  users: string[];
  /** Segment (and inferred segment) names. */
  serviceNames: string[];
  annotations: Record<string, (string | number | boolean)[]>;
  /** The TraceSummary as the API sends it (JSON member names, epoch-second dates). */
  wire: Json;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function parseDocuments(documents: readonly string[]): Json[] {
  const out: Json[] = [];
  for (const text of documents) {
    try {
      const doc: unknown = JSON.parse(text);
      if (isRecord(doc)) {
        out.push(doc);
      }
    } catch {
      // Unparsable documents carry no summary data; the real service would have rejected them.
    }
  }
  return out;
}

/** Every entity (segment and nested subsegments) with the chain of names leading to it. */
function walk(doc: Json, visit: (entity: Json, path: Json[]) => void, path: Json[] = []): void {
  const here = [...path, doc];
  visit(doc, here);
  if (Array.isArray(doc.subsegments)) {
    for (const sub of doc.subsegments) {
      if (isRecord(sub)) {
        walk(sub, visit, here);
      }
    }
  }
}

function findRoot(segments: Json[]): Json | undefined {
  const ids = new Set(segments.map((s) => str(s.id)));
  const roots = segments.filter((s) => !s.parent_id || !ids.has(str(s.parent_id)));
  // Parents of segments may be subsegments of other segments: a root has no parent anywhere.
  const subIds = new Set<string>();
  segments.forEach((s) => walk(s, (e) => { const id = str(e.id); if (id) subIds.add(id); }));
  const trueRoots = roots.filter((s) => !s.parent_id || !subIds.has(str(s.parent_id) ?? ''));
  const candidates = trueRoots.length > 0 ? trueRoots : roots.length > 0 ? roots : segments;
  return [...candidates].sort((a, b) => (num(a.start_time) ?? 0) - (num(b.start_time) ?? 0))[0];
}

function serviceId(segment: Json): Json {
  const name = str(segment.name) ?? 'unknown';
  const origin = str(segment.origin) ?? (segment.inferred ? 'remote' : 'client');
  return { Name: name, Names: [name], Type: origin, ...(segment.aws && isRecord(segment.aws) && str(segment.aws.account_id) ? { AccountId: str(segment.aws.account_id) } : {}) };
}

/** Minimal root cause: the last-starting segment with the flag, down to its deepest flagged entity. */
function rootCauses(segments: Json[], flag: 'fault' | 'error'): Json[] {
  const flagged = segments.filter((s) => s[flag] === true).sort((a, b) => (num(b.start_time) ?? 0) - (num(a.start_time) ?? 0));
  const segment = flagged[0];
  if (!segment) {
    return [];
  }
  let best: Json[] = [segment];
  walk(segment, (entity, path) => {
    const hasCause = isRecord(entity.cause) && Array.isArray(entity.cause.exceptions) && entity.cause.exceptions.length > 0;
    if (entity[flag] === true && (hasCause || path.length > best.length)) {
      best = path;
    }
  });
  const entityPath = best.map((entity) => {
    const cause = isRecord(entity.cause) && Array.isArray(entity.cause.exceptions) ? entity.cause.exceptions.filter(isRecord) : [];
    return {
      Name: str(entity.name),
      ...(cause.length > 0 ? { Exceptions: cause.map((e) => ({ Name: str(e.type), Message: str(e.message) })) } : {}),
      ...(entity.namespace === 'remote' || entity.namespace === 'aws' ? { Remote: true } : {}),
    };
  });
  const service = serviceId(segment);
  return [{ Services: [{ ...service, Inferred: segment.inferred === true, EntityPath: entityPath }], ClientImpacting: true }];
}

function annotationsOf(segments: Json[]): Record<string, (string | number | boolean)[]> {
  const out: Record<string, (string | number | boolean)[]> = {};
  for (const segment of segments) {
    walk(segment, (entity) => {
      if (!isRecord(entity.annotations)) {
        return;
      }
      for (const [key, value] of Object.entries(entity.annotations)) {
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
          (out[key] ??= []).push(value);
        }
      }
    });
  }
  return out;
}

function wireAnnotations(annotations: Record<string, (string | number | boolean)[]>): Json {
  const out: Json = {};
  for (const [key, values] of Object.entries(annotations)) {
    out[key] = values.map((value) => ({
      AnnotationValue: typeof value === 'number' ? { NumberValue: value } : typeof value === 'boolean' ? { BooleanValue: value } : { StringValue: value },
    }));
  }
  return out;
}

function timeBounds(segments: Json[]): { start: number; end: number; partial: boolean } {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  let partial = false;
  for (const segment of segments) {
    walk(segment, (entity) => {
      const s = num(entity.start_time);
      const e = num(entity.end_time);
      if (s !== undefined) start = Math.min(start, s);
      if (e !== undefined) end = Math.max(end, e);
      if (entity.in_progress === true) partial = true;
    });
  }
  if (!Number.isFinite(start)) start = 0;
  if (!Number.isFinite(end)) end = start;
  return { start, end, partial };
}

function statusOf(fault: boolean, throttle: boolean, error: boolean): WireStatus {
  return fault ? 'fault' : throttle ? 'throttle' : error ? 'error' : 'ok';
}

export function deriveTrace(trace: { id: string; documents: readonly string[] }): DerivedTrace {
  const segments = parseDocuments(trace.documents);
  const root = findRoot(segments);
  const { start, end, partial } = timeBounds(segments);
  const hasFault = segments.some((s) => s.fault === true);
  const hasThrottle = segments.some((s) => s.throttle === true);
  const hasError = segments.some((s) => s.error === true);
  const rootStart = num(root?.start_time) ?? start;
  const responseTime = Math.max(0, (num(root?.end_time) ?? end) - rootStart);
  const http = isRecord(root?.http) ? root.http : {};
  const request = isRecord(http.request) ? http.request : {};
  const response = isRecord(http.response) ? http.response : {};
  const users = [...new Set(segments.map((s) => str(s.user)).filter((u): u is string => u !== undefined))];
  const serviceNames = [...new Set(segments.map((s) => str(s.name)).filter((n): n is string => n !== undefined))];
  const annotations = annotationsOf(segments);
  const httpStatus = num(response.status);
  const httpUrl = str(request.url);
  const httpMethod = str(request.method);
  const duration = Math.round((end - start) * 1000) / 1000;
  const wire: Json = {
    Id: trace.id,
    StartTime: start,
    Duration: duration,
    ResponseTime: Math.round(responseTime * 1000) / 1000,
    HasFault: hasFault,
    HasError: hasError,
    HasThrottle: hasThrottle,
    IsPartial: partial,
    Http: { HttpURL: httpUrl, HttpStatus: httpStatus, HttpMethod: httpMethod, UserAgent: str(request.user_agent), ClientIp: str(request.client_ip) },
    Annotations: wireAnnotations(annotations),
    Users: users.map((user) => ({ UserName: user, ServiceIds: [] })),
    ServiceIds: segments.filter((s, i) => segments.findIndex((o) => o.name === s.name && o.origin === s.origin) === i).map(serviceId),
    ResourceARNs: [...new Set(segments.map((s) => str(s.resource_arn)).filter((a): a is string => a !== undefined))].map((ARN) => ({ ARN })),
    InstanceIds: [],
    AvailabilityZones: [],
    ...(root ? { EntryPoint: serviceId(root) } : {}),
    FaultRootCauses: rootCauses(segments, 'fault'),
    ErrorRootCauses: rootCauses(segments, 'error'),
    ResponseTimeRootCauses: [],
    Revision: 1,
  };
  return {
    id: trace.id,
    startTime: start,
    endTime: end,
    status: statusOf(hasFault, hasThrottle, hasError),
    hasFault,
    hasError,
    hasThrottle,
    responseTime,
    duration,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    ...(httpUrl !== undefined ? { httpUrl } : {}),
    ...(httpMethod !== undefined ? { httpMethod } : {}),
    users,
    serviceNames,
    annotations,
    wire,
  };
}
