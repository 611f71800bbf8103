/**
 * The operations of the local X-Ray server, on parsed JSON bodies. Wire rules (from the SDK's
 * REST-JSON protocol for X-Ray): member names as in the API, timestamps as epoch seconds,
 * errors as `{ __type, message }` with the same type in the `x-amzn-errortype` header.
 */
import { compileFilter } from './localXRayFilter';
import { deriveTrace } from './localXRaySummaries';
import type { DerivedTrace } from './localXRaySummaries';
import { LocalServiceGraph } from './localXRayServiceGraph';

export interface StoredTrace {
  id: string;
  documents: string[];
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
  }
}

type Body = Record<string, unknown>;

/** Knobs the handlers read on every request (the server exposes them as mutable fields). */
export interface HandlerSettings {
  summariesPageSize: number;
  tracesPageSize: number;
  emptyLeadingPages: number;
  transactionSearch: boolean;
  retrievalPolls: number;
}

interface Retrieval {
  ids: string[];
  start: number;
  end: number;
  pollsLeft: number;
}

function epochSeconds(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
    return Date.parse(value) / 1000;
  }
  throw new ApiError(400, 'InvalidRequestException', `${field} is required and must be a timestamp`);
}

function encodeToken(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}

function decodeToken(token: unknown): Record<string, unknown> | undefined {
  if (typeof token !== 'string' || token === '') {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // fall through
  }
  throw new ApiError(400, 'InvalidRequestException', 'The pagination token is invalid.');
}

function traceIds(body: Body, max: number): string[] {
  const ids = body.TraceIds;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
    throw new ApiError(400, 'InvalidRequestException', 'TraceIds is required.');
  }
  if (ids.length > max) {
    throw new ApiError(400, 'InvalidRequestException', `1 validation error detected: Value at 'traceIds' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
  }
  return ids as string[];
}

export class XRayHandlers {
  private derived = new Map<string, DerivedTrace>();
  private stored = new Map<string, StoredTrace>();
  private retrievals = new Map<string, Retrieval>();
  private retrievalCounter = 0;
  /** Ids to report as UnprocessedTraceIds once each. */
  readonly unprocessedOnce = new Set<string>();
  /** Filter expressions the subset evaluator could not handle (answered with every trace). */
  readonly unsupportedFilters: string[] = [];
  /** GetServiceGraph, computed from the stored traces. */
  readonly serviceGraph = new LocalServiceGraph();

  constructor(private readonly settings: HandlerSettings) {}

  setTraces(traces: readonly StoredTrace[]): void {
    this.stored = new Map(traces.map((t) => [t.id, { id: t.id, documents: [...t.documents] }]));
    this.derived = new Map(traces.map((t) => [t.id, deriveTrace(t)]));
  }

  traceCount(): number {
    return this.stored.size;
  }

  getTraceSummaries(body: Body): Body {
    const start = epochSeconds(body.StartTime, 'StartTime');
    const end = epochSeconds(body.EndTime, 'EndTime');
    if (end < start) {
      throw new ApiError(400, 'InvalidRequestException', 'EndTime must be after StartTime.');
    }
    const expression = typeof body.FilterExpression === 'string' ? body.FilterExpression.trim() : '';
    const filter = expression === '' ? undefined : compileFilter(expression);
    if (expression !== '' && !filter) {
      this.unsupportedFilters.push(expression);
    }
    const inRange = [...this.derived.values()].filter((t) => t.startTime >= start && t.startTime <= end);
    const matching = inRange.filter((t) => !filter || filter(t)).sort((a, b) => b.startTime - a.startTime);
    const token = decodeToken(body.NextToken);
    const offset = typeof token?.o === 'number' ? token.o : 0;
    const emptyLeft = typeof token?.e === 'number' ? token.e : this.settings.emptyLeadingPages;
    if (emptyLeft > 0) {
      // X-Ray may answer a page with no summaries yet a NextToken while it scans.
      return { TraceSummaries: [], ApproximateTime: end, TracesProcessedCount: 0, NextToken: encodeToken({ o: offset, e: emptyLeft - 1 }) };
    }
    const pageSize = Math.max(1, this.settings.summariesPageSize);
    const page = matching.slice(offset, offset + pageSize);
    const more = offset + pageSize < matching.length;
    return {
      TraceSummaries: page.map((t) => t.wire),
      ApproximateTime: page[page.length - 1]?.startTime ?? start,
      TracesProcessedCount: inRange.length,
      ...(more ? { NextToken: encodeToken({ o: offset + pageSize, e: 0 }) } : {}),
    };
  }

  private traceBody(id: string, segmentsKey: 'Segments' | 'Spans'): Body | undefined {
    const trace = this.stored.get(id);
    const derived = this.derived.get(id);
    if (!trace || !derived) {
      return undefined;
    }
    const segments = trace.documents.map((document) => {
      const match = /"id"\s*:\s*"([^"]*)"/.exec(document);
      return { Id: match?.[1] ?? '', Document: document };
    });
    return segmentsKey === 'Segments'
      ? { Id: id, Duration: derived.duration, LimitExceeded: false, Segments: segments }
      : { Id: id, Duration: derived.duration, Spans: segments };
  }

  batchGetTraces(body: Body): Body {
    const ids = traceIds(body, 5);
    const token = decodeToken(body.NextToken);
    const offset = typeof token?.o === 'number' ? token.o : 0;
    const unprocessed: string[] = [];
    const found: Body[] = [];
    for (const id of ids) {
      if (offset === 0 && this.unprocessedOnce.delete(id)) {
        unprocessed.push(id);
        continue;
      }
      // With Transaction Search on, spans live in CloudWatch Logs and BatchGetTraces finds nothing.
      const trace = this.settings.transactionSearch ? undefined : this.traceBody(id, 'Segments');
      if (trace) {
        found.push(trace);
      }
    }
    const pageSize = Math.max(1, this.settings.tracesPageSize);
    const page = found.slice(offset, offset + pageSize);
    const more = offset + pageSize < found.length;
    return { Traces: page, UnprocessedTraceIds: unprocessed, ...(more ? { NextToken: encodeToken({ o: offset + pageSize }) } : {}) };
  }

  getTraceSegmentDestination(): Body {
    return { Destination: this.settings.transactionSearch ? 'CloudWatchLogs' : 'XRay', Status: 'ACTIVE' };
  }

  startTraceRetrieval(body: Body): Body {
    const ids = traceIds(body, 100);
    const start = epochSeconds(body.StartTime, 'StartTime');
    const end = epochSeconds(body.EndTime, 'EndTime');
    if (end < start) {
      throw new ApiError(400, 'InvalidRequestException', 'EndTime must be after StartTime.');
    }
    this.retrievalCounter += 1;
    const token = `retrieval-${this.retrievalCounter}-${Date.now().toString(36)}`;
    this.retrievals.set(token, { ids, start, end, pollsLeft: this.settings.retrievalPolls });
    return { RetrievalToken: token };
  }

  getServiceGraph(body: Body): Body {
    const start = epochSeconds(body.StartTime, 'StartTime');
    const end = epochSeconds(body.EndTime, 'EndTime');
    if (end < start) {
      throw new ApiError(400, 'InvalidRequestException', 'EndTime must be after StartTime.');
    }
    const page = this.serviceGraph.respond(start, end, body.NextToken, [...this.stored.values()]);
    if (page === undefined) {
      throw new ApiError(400, 'InvalidRequestException', 'The pagination token is invalid.');
    }
    return page;
  }

  listRetrievedTraces(body: Body): Body {
    const token = typeof body.RetrievalToken === 'string' ? body.RetrievalToken : '';
    const retrieval = this.retrievals.get(token);
    if (!retrieval) {
      throw new ApiError(404, 'ResourceNotFoundException', `Retrieval token ${token} was not found.`);
    }
    const format = body.TraceFormat === 'OTEL' ? 'OTEL' : 'XRAY';
    if (retrieval.pollsLeft > 0) {
      retrieval.pollsLeft -= 1;
      return { RetrievalStatus: 'RUNNING', TraceFormat: format, Traces: [] };
    }
    // Only traces inside the retrieval's time range are found, as in the real log-group query.
    const traces = retrieval.ids
      .filter((id) => {
        const derived = this.derived.get(id);
        return derived !== undefined && derived.startTime >= retrieval.start && derived.startTime <= retrieval.end;
      })
      .map((id) => this.traceBody(id, 'Spans'))
      .filter((t): t is Body => t !== undefined);
    const page = decodeToken(body.NextToken);
    const offset = typeof page?.o === 'number' ? page.o : 0;
    const pageSize = Math.max(1, this.settings.tracesPageSize);
    const more = offset + pageSize < traces.length;
    return {
      RetrievalStatus: 'COMPLETE',
      TraceFormat: format,
      Traces: traces.slice(offset, offset + pageSize),
      ...(more ? { NextToken: encodeToken({ o: offset + pageSize }) } : {}),
    };
  }
}
