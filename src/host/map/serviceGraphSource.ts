import { mergeServiceGraph } from '../../core/serviceGraph/mergeServiceGraph';
import type { ServiceGraphSnapshot } from '../../core/serviceGraph/serviceGraphSnapshot';
import type { ServiceGraph } from '../../shared/serviceGraphModel';
import type { AwsConnection } from '../connection/awsConnection';
import type { ComponentLogger } from '../logger';

/** GetServiceGraph answers are reused this long for the same window (a refresh per trace page). */
const CACHE_MS = 60_000;
/** A window start/end rounded to this, so "last 15 min" refreshes hit the cache. */
const WINDOW_ROUND_MS = 60_000;

interface Cached {
  key: string;
  at: number;
  result: Promise<ServiceGraphSnapshot>;
}

function describe(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (/AccessDenied/i.test(name) || /not authorized/i.test(String(error))) return 'access denied (the IAM policy must allow xray:GetServiceGraph)';
  if (/Throttl/i.test(name)) return 'throttled';
  return error instanceof Error ? error.message : String(error);
}

/**
 * The graph of the listed traces merged with X-Ray's service graph for the same window, when
 * connected to AWS. A failed fetch never breaks the map: the traces' graph is returned with a
 * note that its numbers are from the traces only. Answers are reused for a minute per window.
 */
export class ServiceGraphSource {
  private cache: Cached | undefined;

  constructor(private readonly log: ComponentLogger) {}

  async merge(graph: ServiceGraph, connection: AwsConnection | undefined, start: Date, end: Date): Promise<{ graph: ServiceGraph; notes: string[] }> {
    if (connection === undefined) return { graph, notes: [] };
    const result = this.fetch(connection, start, end);
    try {
      const merged = mergeServiceGraph(graph, await result);
      const notes = merged.mergedServiceGraph ? ["Services and calls the listed traces did not cover come from X-Ray's service graph for the same window (aggregate numbers, marked in each node's details)."] : [];
      return { graph: merged, notes };
    } catch (error) {
      this.log.warn(`GetServiceGraph failed, the map shows the traces only: ${describe(error)}`);
      return { graph, notes: [`X-Ray's service graph could not be read (${describe(error)}): the numbers are from the ${graph.traceCount} listed traces only.`] };
    }
  }

  private fetch(connection: AwsConnection, start: Date, end: Date): Promise<ServiceGraphSnapshot> {
    const startMs = Math.floor(start.getTime() / WINDOW_ROUND_MS) * WINDOW_ROUND_MS;
    const endMs = Math.ceil(end.getTime() / WINDOW_ROUND_MS) * WINDOW_ROUND_MS;
    const { profile, region, endpointUrl } = connection.config;
    const key = `${profile}|${region}|${endpointUrl}|${startMs}|${endMs}`;
    const now = Date.now();
    if (this.cache === undefined || this.cache.key !== key || now - this.cache.at > CACHE_MS) {
      const result = connection.fetchServiceGraph(new Date(startMs), new Date(endMs), AbortSignal.timeout(30_000));
      this.cache = { key, at: now, result };
      result.catch(() => {
        if (this.cache?.result === result) this.cache = undefined;
      });
    }
    return this.cache.result;
  }
}
