/**
 * X-Ray's own aggregate service graph (GetServiceGraph), read into plain data: services with
 * their summary statistics and response-time histograms, and edges to downstream services by
 * reference id. Reads both the SDK's output (Dates) and the API's JSON (epoch seconds), so a saved
 * response and a live call go through the same code. Shapes per the API reference (see
 * `/work/shared/docs/aws-facts.md` §5); anything unreadable is skipped field by field.
 */
import { isRecord } from '../jsonRead';
import type { JsonRecord } from '../jsonRead';
import type { WeightedValue } from './latencyStats';

export interface SnapshotStats {
  total: number;
  ok: number;
  /** Errors other than throttles (`ErrorStatistics.OtherCount`). */
  errors: number;
  throttles: number;
  faults: number;
  /** Sum of response times, ms (`TotalResponseTime`). */
  totalResponseTimeMs?: number;
}

export interface SnapshotEdge {
  /** Reference id of the downstream service. */
  referenceId: number;
  stats?: SnapshotStats;
  /** Response time (ms) and how many requests took it. */
  responseTimes: WeightedValue[];
  /** `link` for asynchronous connections. */
  edgeType?: string;
}

export interface SnapshotService {
  referenceId: number;
  name: string;
  names: string[];
  /** X-Ray's type: `client`, `remote`, `AWS::Lambda::Function`, `AWS::DynamoDB::Table`, … */
  type: string;
  root: boolean;
  accountId?: string;
  stats?: SnapshotStats;
  responseTimes: WeightedValue[];
  edges: SnapshotEdge[];
}

export interface ServiceGraphSnapshot {
  startEpochMs: number;
  endEpochMs: number;
  services: SnapshotService[];
  containsOldGroupVersions: boolean;
}

/** A service graph that is not the JSON X-Ray sends. */
export class ServiceGraphFormatError extends Error {
  override readonly name = 'ServiceGraphFormatError';
}

function num(record: JsonRecord, key: string): number | undefined {
  const value = record[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function str(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

/** A Date (SDK) or epoch seconds (JSON) → epoch ms. */
function epochMs(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  return undefined;
}

function readStats(value: unknown): SnapshotStats | undefined {
  if (!isRecord(value)) return undefined;
  const errors = isRecord(value['ErrorStatistics']) ? value['ErrorStatistics'] : {};
  const faults = isRecord(value['FaultStatistics']) ? value['FaultStatistics'] : {};
  const ok = num(value, 'OkCount') ?? 0;
  const throttles = num(errors, 'ThrottleCount') ?? 0;
  const errorTotal = num(errors, 'TotalCount');
  const otherErrors = num(errors, 'OtherCount') ?? Math.max(0, (errorTotal ?? 0) - throttles);
  const faultTotal = num(faults, 'TotalCount') ?? num(faults, 'OtherCount') ?? 0;
  const total = num(value, 'TotalCount') ?? ok + (errorTotal ?? otherErrors + throttles) + faultTotal;
  const totalResponseTime = num(value, 'TotalResponseTime');
  return {
    total,
    ok,
    errors: otherErrors,
    throttles,
    faults: faultTotal,
    ...(totalResponseTime === undefined ? {} : { totalResponseTimeMs: totalResponseTime * 1000 }),
  };
}

function readHistogram(value: unknown): WeightedValue[] {
  if (!Array.isArray(value)) return [];
  const out: WeightedValue[] = [];
  for (const entry of value) {
    if (!isRecord(entry)) continue;
    const seconds = num(entry, 'Value');
    const count = num(entry, 'Count');
    if (seconds !== undefined && count !== undefined && seconds >= 0 && count > 0) out.push({ valueMs: seconds * 1000, count });
  }
  return out;
}

function readEdge(value: unknown): SnapshotEdge | undefined {
  if (!isRecord(value)) return undefined;
  const referenceId = num(value, 'ReferenceId');
  if (referenceId === undefined) return undefined;
  const stats = readStats(value['SummaryStatistics']);
  const edgeType = str(value, 'EdgeType');
  return {
    referenceId,
    ...(stats === undefined ? {} : { stats }),
    responseTimes: readHistogram(value['ResponseTimeHistogram']),
    ...(edgeType === undefined ? {} : { edgeType }),
  };
}

function readService(value: unknown): SnapshotService | undefined {
  if (!isRecord(value)) return undefined;
  const referenceId = num(value, 'ReferenceId');
  const names = Array.isArray(value['Names']) ? value['Names'].filter((name): name is string => typeof name === 'string' && name !== '') : [];
  const name = str(value, 'Name') ?? names[0];
  if (referenceId === undefined || name === undefined || name === '') return undefined;
  const stats = readStats(value['SummaryStatistics']);
  const accountId = str(value, 'AccountId');
  const responseTimes = readHistogram(value['ResponseTimeHistogram']);
  return {
    referenceId,
    name,
    names: names.length > 0 ? names : [name],
    type: str(value, 'Type') ?? '',
    root: value['Root'] === true,
    ...(accountId === undefined ? {} : { accountId }),
    ...(stats === undefined ? {} : { stats }),
    responseTimes: responseTimes.length > 0 ? responseTimes : readHistogram(value['DurationHistogram']),
    edges: Array.isArray(value['Edges']) ? value['Edges'].map(readEdge).filter((edge): edge is SnapshotEdge => edge !== undefined) : [],
  };
}

/**
 * A GetServiceGraph response (SDK output or parsed JSON) as a snapshot. `window` fills in the
 * times when the response has none. Throws `ServiceGraphFormatError` when it has no `Services` list.
 */
export function snapshotFromResponse(response: unknown, window?: { startEpochMs: number; endEpochMs: number }): ServiceGraphSnapshot {
  if (!isRecord(response) || !Array.isArray(response['Services'])) {
    throw new ServiceGraphFormatError('The service graph has no "Services" list.');
  }
  return {
    startEpochMs: epochMs(response['StartTime']) ?? window?.startEpochMs ?? 0,
    endEpochMs: epochMs(response['EndTime']) ?? window?.endEpochMs ?? 0,
    services: response['Services'].map(readService).filter((service): service is SnapshotService => service !== undefined),
    containsOldGroupVersions: response['ContainsOldGroupVersions'] === true,
  };
}

/** A saved GetServiceGraph response (JSON text). Throws `ServiceGraphFormatError` with the position of a syntax error. */
export function parseServiceGraphJson(text: string): ServiceGraphSnapshot {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Older engines say where ("at position N"); newer ones quote the text around the error.
    const position = /position (\d+)/.exec(message)?.[1];
    const line = position === undefined ? undefined : text.slice(0, Number(position)).split('\n').length;
    throw new ServiceGraphFormatError(`The service graph is not valid JSON${line === undefined ? '' : ` (line ${line})`}: ${message}`);
  }
  return snapshotFromResponse(parsed);
}

function addStats(into: SnapshotStats | undefined, more: SnapshotStats | undefined): SnapshotStats | undefined {
  if (more === undefined) return into;
  if (into === undefined) return { ...more };
  const totalResponseTimeMs = into.totalResponseTimeMs === undefined || more.totalResponseTimeMs === undefined ? undefined : into.totalResponseTimeMs + more.totalResponseTimeMs;
  return {
    total: into.total + more.total,
    ok: into.ok + more.ok,
    errors: into.errors + more.errors,
    throttles: into.throttles + more.throttles,
    faults: into.faults + more.faults,
    ...(totalResponseTimeMs === undefined ? {} : { totalResponseTimeMs }),
  };
}

interface Combined {
  service: SnapshotService;
  edges: Map<string, SnapshotEdge>;
}

function serviceKey(service: SnapshotService): string {
  return `${service.type}\u0000${service.name}\u0000${service.accountId ?? ''}`;
}

/** One snapshot from several (the windows of a long range): services by type, name and account; counts added. */
export function combineSnapshots(snapshots: readonly ServiceGraphSnapshot[]): ServiceGraphSnapshot {
  if (snapshots.length === 0) return { startEpochMs: 0, endEpochMs: 0, services: [], containsOldGroupVersions: false };
  const combined = new Map<string, Combined>();
  for (const snapshot of snapshots) {
    const keyOf = new Map(snapshot.services.map((service) => [service.referenceId, serviceKey(service)]));
    for (const service of snapshot.services) {
      const key = serviceKey(service);
      let entry = combined.get(key);
      if (entry === undefined) {
        const { stats: _stats, edges: _edges, ...rest } = service;
        entry = { service: { ...rest, responseTimes: [], edges: [] }, edges: new Map() };
        combined.set(key, entry);
      }
      const target = entry.service;
      target.root ||= service.root;
      const stats = addStats(target.stats, service.stats);
      if (stats !== undefined) target.stats = stats;
      target.responseTimes.push(...service.responseTimes);
      for (const edge of service.edges) {
        const to = keyOf.get(edge.referenceId);
        if (to === undefined) continue;
        const known = entry.edges.get(to);
        if (known === undefined) {
          entry.edges.set(to, { ...edge, responseTimes: [...edge.responseTimes] });
        } else {
          const edgeStats = addStats(known.stats, edge.stats);
          if (edgeStats !== undefined) known.stats = edgeStats;
          known.responseTimes.push(...edge.responseTimes);
        }
      }
    }
  }
  const referenceOf = new Map([...combined.keys()].map((key, index) => [key, index]));
  const services = [...combined.entries()].map(([key, entry]) => ({
    ...entry.service,
    referenceId: referenceOf.get(key) ?? 0,
    edges: [...entry.edges.entries()].map(([to, edge]) => ({ ...edge, referenceId: referenceOf.get(to) ?? 0 })),
  }));
  return {
    startEpochMs: Math.min(...snapshots.map((snapshot) => snapshot.startEpochMs)),
    endEpochMs: Math.max(...snapshots.map((snapshot) => snapshot.endEpochMs)),
    services,
    containsOldGroupVersions: snapshots.some((snapshot) => snapshot.containsOldGroupVersions),
  };
}
