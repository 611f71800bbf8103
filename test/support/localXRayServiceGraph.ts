/**
 * GetServiceGraph for the local X-Ray server (`POST /ServiceGraph`), computed from the stored
 * traces' documents independently of `src/core/serviceGraph`: a plain aggregation over segment
 * documents, as X-Ray describes its service graph. The stored traces are processed documents
 * (BatchGetTraces form, inferred segments included), so every service is a top-level document:
 *   - a service is (name, type): the segment's `name` (a DynamoDB table's inferred segment: the
 *     table name) and its `origin`; inferred segments without origin are `remote`;
 *   - each segment is one request of its service (flags → ok / error / throttle / fault,
 *     response time = end − start);
 *   - a segment whose `parent_id` lies in another segment's document is a call from that
 *     segment's service, measured by the callee segment;
 *   - each root segment (no `parent_id`) is called by a `client` service named after it;
 *   - a downstream call (an `aws`/`remote` subsegment, outside any other call) that no segment
 *     answers is a call to the service X-Ray infers from it: the DynamoDB table, the SQS queue,
 *     `SNS`, `AWS::<name>` for other AWS services, the subsegment's name for `remote` ones.
 * Tests can also make it answer a fixed response (a real sample) and page it.
 */
import type { StoredTrace } from './localXRayHandlers';

type Doc = Record<string, unknown>;
type Body = Record<string, unknown>;

interface Stats {
  ok: number;
  error: number;
  throttle: number;
  fault: number;
  total: number;
  totalSeconds: number;
  times: Map<number, number>;
}

interface Service {
  name: string;
  type: string;
  root: boolean;
  stats?: Stats;
  edges: Map<string, Stats>;
  start: number;
  end: number;
}

function isDoc(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function newStats(): Stats {
  return { ok: 0, error: 0, throttle: 0, fault: 0, total: 0, totalSeconds: 0, times: new Map() };
}

function count(stats: Stats, doc: Doc): void {
  stats.total += 1;
  if (doc.fault === true) stats.fault += 1;
  else if (doc.throttle === true) stats.throttle += 1;
  else if (doc.error === true) stats.error += 1;
  else stats.ok += 1;
  const seconds = Math.round(((doc.end_time as number) - (doc.start_time as number)) * 1000) / 1000;
  stats.totalSeconds += seconds;
  stats.times.set(seconds, (stats.times.get(seconds) ?? 0) + 1);
}

function wireStats(stats: Stats): Body {
  return {
    OkCount: stats.ok,
    ErrorStatistics: { ThrottleCount: stats.throttle, OtherCount: stats.error, TotalCount: stats.throttle + stats.error },
    FaultStatistics: { OtherCount: stats.fault, TotalCount: stats.fault },
    TotalCount: stats.total,
    TotalResponseTime: Math.round(stats.totalSeconds * 1000) / 1000,
  };
}

function wireHistogram(stats: Stats): Body[] {
  return [...stats.times.entries()].map(([value, n]) => ({ Value: value, Count: n }));
}

function serviceOf(doc: Doc): { name: string; type: string } {
  const origin = typeof doc.origin === 'string' ? doc.origin : undefined;
  const aws = isDoc(doc.aws) ? doc.aws : {};
  const name = origin === 'AWS::DynamoDB::Table' && typeof aws.table_name === 'string' ? aws.table_name : String(doc.name);
  return { name, type: origin ?? (doc.inferred === true ? 'remote' : '') };
}

function parse(text: string): Doc | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isDoc(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The service X-Ray infers for a call subsegment no segment answers. */
function inferredServiceOf(call: Doc): { name: string; type: string } {
  const name = String(call.name);
  if (call.namespace === 'remote') return { name, type: 'remote' };
  const aws = isDoc(call.aws) ? call.aws : {};
  if (typeof aws.table_name === 'string') return { name: aws.table_name, type: 'AWS::DynamoDB::Table' };
  if (typeof aws.queue_url === 'string') return { name: aws.queue_url.split('/').pop() ?? name, type: 'AWS::SQS::Queue' };
  if (name === 'SNS') return { name, type: 'AWS::SNS' };
  return { name, type: `AWS::${name}` };
}

/**
 * Ids of every (sub)segment in `doc`, mapped to the top-level segment document that holds it;
 * downstream calls (outside other calls) are added to `calls`.
 */
function indexDocument(doc: Doc, owner: Doc, into: Map<string, Doc>, calls: Array<{ call: Doc; owner: Doc }>, insideCall = false): void {
  const stack: Array<{ item: Doc; inCall: boolean }> = [{ item: doc, inCall: insideCall }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { item } = next;
    if (typeof item.id === 'string') into.set(item.id, owner);
    const isCall = !next.inCall && item !== owner && (item.namespace === 'aws' || item.namespace === 'remote');
    if (isCall) calls.push({ call: item, owner });
    if (Array.isArray(item.subsegments)) stack.push(...item.subsegments.filter(isDoc).map((child) => ({ item: child, inCall: next.inCall || isCall })));
  }
}

export class LocalServiceGraph {
  /** Services per page; NextToken pages through them. Default: all in one page. */
  pageSize = Number.POSITIVE_INFINITY;
  /** When set, answered as it is (windows and traces ignored): a real sample response. */
  fixedResponse: Body | undefined;

  /**
   * One page of the graph of [start, end] (epoch seconds, validated by the caller), or undefined
   * when `nextToken` is not one of ours.
   */
  respond(start: number, end: number, nextToken: unknown, traces: readonly StoredTrace[]): Body | undefined {
    const full = this.fixedResponse ?? this.compute(traces, start, end);
    const services = Array.isArray(full.Services) ? full.Services : [];
    const offset = typeof nextToken === 'string' && nextToken !== '' ? Number(Buffer.from(nextToken, 'base64').toString('utf8')) : 0;
    if (!Number.isInteger(offset) || offset < 0) return undefined;
    const size = Math.max(1, this.pageSize);
    const more = offset + size < services.length;
    return {
      ...full,
      Services: services.slice(offset, offset + size),
      ...(more ? { NextToken: Buffer.from(String(offset + size)).toString('base64') } : {}),
    };
  }

  /** The service graph of the traces that start within [start, end] (epoch seconds). */
  compute(traces: readonly StoredTrace[], start: number, end: number): Body {
    const services = new Map<string, Service>();
    const serviceFor = (doc: Doc, type?: string, name?: string): Service => {
      const identity = type === undefined || name === undefined ? serviceOf(doc) : { name, type };
      const key = `${identity.type}|${identity.name}`;
      let service = services.get(key);
      if (service === undefined) {
        service = { ...identity, root: false, edges: new Map(), start: Number.POSITIVE_INFINITY, end: Number.NEGATIVE_INFINITY };
        services.set(key, service);
      }
      service.start = Math.min(service.start, doc.start_time as number);
      service.end = Math.max(service.end, doc.end_time as number);
      return service;
    };
    for (const trace of traces) {
      const documents = trace.documents.map(parse).filter((doc): doc is Doc => doc !== undefined && typeof doc.end_time === 'number');
      const segments = documents.filter((doc) => doc.type !== 'subsegment');
      const traceStart = Math.min(...segments.map((doc) => doc.start_time as number));
      if (!(traceStart >= start && traceStart <= end)) continue;
      const owners = new Map<string, Doc>();
      const calls: Array<{ call: Doc; owner: Doc }> = [];
      for (const doc of segments) indexDocument(doc, doc, owners, calls);
      // Subsegments sent on their own belong to the segment their parent is in.
      const independent = documents.filter((doc) => doc.type === 'subsegment');
      for (let placed = true; placed; ) {
        placed = false;
        for (const doc of independent) {
          const owner = typeof doc.parent_id === 'string' ? owners.get(doc.parent_id) : undefined;
          if (owner !== undefined && typeof doc.id === 'string' && !owners.has(doc.id)) {
            indexDocument(doc, owner, owners, calls);
            placed = true;
          }
        }
      }
      for (const doc of segments) {
        const service = serviceFor(doc);
        service.stats ??= newStats();
        count(service.stats, doc);
        const parentOwner = typeof doc.parent_id === 'string' ? owners.get(doc.parent_id) : undefined;
        const caller = parentOwner === undefined
          ? (doc.parent_id === undefined && doc.inferred !== true ? serviceFor(doc, 'client', service.name) : undefined)
          : serviceFor(parentOwner);
        if (caller === undefined || caller === service) continue;
        if (caller.type === 'client') service.root = true;
        const key = `${service.type}|${service.name}`;
        const edge = caller.edges.get(key) ?? newStats();
        caller.edges.set(key, edge);
        count(edge, doc);
      }
      const answered = new Set(segments.map((doc) => doc.parent_id));
      for (const { call, owner } of calls) {
        if (answered.has(call.id) || typeof call.end_time !== 'number') continue;
        const inferred = inferredServiceOf(call);
        const service = serviceFor(call, inferred.type, inferred.name);
        service.stats ??= newStats();
        count(service.stats, call);
        const caller = serviceFor(owner);
        const key = `${service.type}|${service.name}`;
        const edge = caller.edges.get(key) ?? newStats();
        caller.edges.set(key, edge);
        count(edge, call);
      }
    }
    return this.wire([...services.values()], start, end);
  }

  private wire(services: Service[], start: number, end: number): Body {
    const reference = new Map(services.map((service, index) => [`${service.type}|${service.name}`, index]));
    return {
      StartTime: start,
      EndTime: end,
      ContainsOldGroupVersions: false,
      Services: services.map((service, index) => ({
        ReferenceId: index,
        Name: service.name,
        Names: [service.name],
        ...(service.root ? { Root: true } : {}),
        Type: service.type,
        State: service.type === 'client' ? 'unknown' : 'active',
        StartTime: service.start,
        EndTime: service.end,
        Edges: [...service.edges.entries()].map(([key, stats]) => ({
          ReferenceId: reference.get(key),
          StartTime: service.start,
          EndTime: service.end,
          SummaryStatistics: wireStats(stats),
          ResponseTimeHistogram: wireHistogram(stats),
          Aliases: [],
        })),
        ...(service.stats === undefined ? {} : {
          SummaryStatistics: wireStats(service.stats),
          DurationHistogram: wireHistogram(service.stats),
          ResponseTimeHistogram: wireHistogram(service.stats),
        }),
      })),
    };
  }
}
