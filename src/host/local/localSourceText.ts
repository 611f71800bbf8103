/**
 * What the user reads about the local receivers: the Traces view's "Local" group, its tooltip
 * and the status bar item. Pure, so the wording and the counters are unit-tested.
 */
import type { ReceiverCounters } from '../../local/localTraceTypes';

export interface LocalSourceFacts {
  running: boolean;
  /** Bound addresses (`127.0.0.1:2000`) while running. */
  udp?: string;
  otlp?: string;
  /** Local traces kept. */
  traceCount: number;
  /** Local traces the errors-only toggle and filter let through. */
  shownCount: number;
  counters?: ReceiverCounters;
  maxTraces?: number;
}

export const LOCAL_FILTER_NOTE =
  'Errors only applies to local traces as it does to AWS traces. The filter expression is read as text for local traces: its quoted values (or the whole expression) must appear in the entry point, services, URL, root cause or trace ID.';

function plural(count: number, word: string): string {
  return `${count.toLocaleString('en-US')} ${word}${count === 1 ? '' : 's'}`;
}

/** Datagrams and documents refused by a cap (rate, bytes per trace); evictions are counted apart. */
export function droppedCount(counters: ReceiverCounters | undefined): number {
  return counters === undefined ? 0 : counters.droppedRate + counters.droppedBytes;
}

/** `udp 127.0.0.1:2000 · otlp 127.0.0.1:4318 · 12 traces · 3 dropped · 1 malformed`. */
export function localGroupDescription(facts: LocalSourceFacts): string {
  const parts: string[] = [];
  if (facts.running) {
    if (facts.udp !== undefined) parts.push(`udp ${facts.udp}`);
    if (facts.otlp !== undefined) parts.push(`otlp ${facts.otlp}`);
  } else {
    parts.push('stopped');
  }
  parts.push(facts.shownCount === facts.traceCount ? plural(facts.traceCount, 'trace') : `${facts.shownCount.toLocaleString('en-US')} of ${plural(facts.traceCount, 'trace')}`);
  const dropped = droppedCount(facts.counters);
  if (dropped > 0) parts.push(`${dropped.toLocaleString('en-US')} dropped`);
  const malformed = facts.counters?.malformed ?? 0;
  if (malformed > 0) parts.push(`${malformed.toLocaleString('en-US')} malformed`);
  return parts.join(' · ');
}

/** Plain-text lines of the group's and the status bar item's tooltip. */
export function localTooltipLines(facts: LocalSourceFacts): string[] {
  const lines = [facts.running ? 'Local receivers are running.' : 'Local receivers are stopped; the traces they took in are kept until cleared.'];
  if (facts.running) {
    lines.push(`X-Ray daemon (UDP): ${facts.udp ?? 'off'}`, `OTLP/HTTP: ${facts.otlp ?? 'off'}`);
  }
  lines.push(`Traces kept: ${facts.traceCount.toLocaleString('en-US')}${facts.maxTraces !== undefined ? ` (at most ${facts.maxTraces.toLocaleString('en-US')})` : ''}`);
  const c = facts.counters;
  if (c !== undefined) {
    lines.push(
      `Received: ${plural(c.datagrams, 'datagram')}, ${plural(c.otlpRequests, 'OTLP request')}, ${plural(c.segments, 'segment')}, ${plural(c.spans, 'span')}, ${plural(c.logRecords, 'log record')}`,
      `Dropped: ${c.droppedRate.toLocaleString('en-US')} over the rate cap, ${c.droppedBytes.toLocaleString('en-US')} over the bytes-per-trace cap; ${plural(c.evictedTraces, 'old trace')} evicted`,
      `Malformed (not parseable, see the log): ${c.malformed.toLocaleString('en-US')}`,
    );
  }
  return lines;
}

/** `$(radio-tower) Local · 12 traces`. */
export function localStatusText(traceCount: number): string {
  return `$(radio-tower) Local · ${plural(traceCount, 'trace')}`;
}
