/**
 * Latency statistics of a node or an edge: nearest-rank percentiles over the actual durations
 * (never averages of averages), and a histogram on fixed 1-2-5 log-scaled bounds so charts of
 * different nodes compare at a glance and a test can state the expected buckets exactly.
 */
import type { HistogramBucket, LatencyStats } from '../../shared/serviceGraphModel';

/** Thousandths of a millisecond: what the trace model keeps; more digits are float noise. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Smallest bound of the 1-2-5 series (1, 2, 5, 10, 20, 50, …) above `ms`: the bucket holding it ends there. */
function bucketUpperBound(ms: number): number {
  if (ms < 1) return 1;
  let decade = 1;
  while (decade * 10 <= ms) decade *= 10;
  if (ms < decade * 2) return decade * 2;
  return ms < decade * 5 ? decade * 5 : decade * 10;
}

/** The bound before `upper` in the series (0 before 1). */
function bucketLowerBound(upper: number): number {
  if (upper <= 1) return 0;
  let decade = 1;
  while (decade * 10 < upper) decade *= 10;
  if (upper === decade * 2) return decade;
  return upper === decade * 5 ? decade * 2 : decade * 5;
}

/** Nearest-rank index (0-based) of percentile `p` among `n` sorted values. */
export function nearestRankIndex(p: number, n: number): number {
  return Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
}

/**
 * Buckets `[0,1) [1,2) [2,5) [5,10) …` from the one holding the smallest value to the one holding
 * the largest, empty ones between included so the chart has no gaps.
 */
export function histogramOf(sortedValues: ArrayLike<number>, weights?: ArrayLike<number>): HistogramBucket[] {
  const n = sortedValues.length;
  if (n === 0) return [];
  const first = sortedValues[0] ?? 0;
  const last = sortedValues[n - 1] ?? 0;
  const buckets: HistogramBucket[] = [];
  let upper = bucketUpperBound(first);
  for (;;) {
    buckets.push({ fromMs: bucketLowerBound(upper), toMs: upper, count: 0 });
    if (last < upper) break;
    upper = bucketUpperBound(upper);
  }
  let index = 0;
  for (let i = 0; i < n; i++) {
    const value = sortedValues[i] ?? 0;
    while (index < buckets.length - 1 && value >= (buckets[index]?.toMs ?? 0)) index++;
    const bucket = buckets[index];
    if (bucket !== undefined) bucket.count += weights === undefined ? 1 : (weights[i] ?? 0);
  }
  return buckets;
}

/** Stats of raw durations (ms). `values` may be reordered. */
export function latencyOf(values: readonly number[]): LatencyStats | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i] ?? 0;
  const at = (p: number): number => roundMs(sorted[nearestRankIndex(p, n)] ?? 0);
  return {
    count: n,
    minMs: roundMs(sorted[0] ?? 0),
    maxMs: roundMs(sorted[n - 1] ?? 0),
    meanMs: roundMs(sum / n),
    p50Ms: at(50),
    p95Ms: at(95),
    p99Ms: at(99),
    histogram: histogramOf(sorted),
  };
}

export interface WeightedValue {
  valueMs: number;
  count: number;
}

/**
 * Stats of value/count pairs, as X-Ray's histograms give them (each entry is a response time and
 * how many requests took it). `meanMs` may be given when the source knows the exact total.
 */
export function latencyOfWeighted(entries: readonly WeightedValue[], meanMs?: number): LatencyStats | undefined {
  const usable = entries.filter((entry) => Number.isFinite(entry.valueMs) && entry.valueMs >= 0 && Number.isFinite(entry.count) && entry.count > 0);
  if (usable.length === 0) return undefined;
  usable.sort((a, b) => a.valueMs - b.valueMs);
  const values = usable.map((entry) => entry.valueMs);
  const counts = usable.map((entry) => Math.round(entry.count));
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return undefined;
  const at = (p: number): number => {
    const rank = nearestRankIndex(p, total) + 1;
    let seen = 0;
    for (let i = 0; i < values.length; i++) {
      seen += counts[i] ?? 0;
      if (seen >= rank) return roundMs(values[i] ?? 0);
    }
    return roundMs(values[values.length - 1] ?? 0);
  };
  const sum = values.reduce((acc, value, i) => acc + value * (counts[i] ?? 0), 0);
  return {
    count: total,
    minMs: roundMs(values[0] ?? 0),
    maxMs: roundMs(values[values.length - 1] ?? 0),
    meanMs: roundMs(meanMs ?? sum / total),
    p50Ms: at(50),
    p95Ms: at(95),
    p99Ms: at(99),
    histogram: histogramOf(values, counts),
  };
}
