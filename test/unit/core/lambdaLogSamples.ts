/**
 * Splits the real samples in test/fixtures/lambda-logs into log events the way CloudWatch (or the
 * API that produced the sample) would deliver them. Shared by the parser and invocation tests.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const LOG_DIR = join(__dirname, '..', '..', 'fixtures', 'lambda-logs');

export interface SampleEvent {
  message: string;
  timestamp?: number;
}

export function sampleFiles(): string[] {
  return readdirSync(LOG_DIR).sort();
}

/** Top-level `{…}` documents of a text holding several (string-aware brace matching). */
export function topLevelObjects(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === '}') {
      depth--;
      if (depth === 0 && start >= 0) out.push(text.slice(start, i + 1));
    }
  }
  return out;
}

/** Logs Insights prints `2023-12-05 22:14:43.877` in UTC. */
function insightsTime(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Date.parse(`${value.replace(' ', 'T')}Z`);
}

function fromJsonValue(value: unknown): SampleEvent[] {
  if (Array.isArray(value)) return value.flatMap((item) => fromJsonValue(item));
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  if (Array.isArray(record['events'])) {
    // GetLogEvents: one event per entry, with its CloudWatch timestamp.
    return (record['events'] as Array<{ message: string; timestamp: number }>).map((e) => ({ message: e.message, timestamp: e.timestamp }));
  }
  if (Array.isArray(record['results'])) {
    // GetQueryResults: one row per event; @message and @timestamp fields.
    return (record['results'] as Array<Array<{ field: string; value: string }>>).map((row) => {
      const field = (name: string): string | undefined => row.find((f) => f.field === name)?.value;
      const timestamp = insightsTime(field('@timestamp'));
      return timestamp === undefined ? { message: field('@message') ?? '' } : { message: field('@message') ?? '', timestamp };
    });
  }
  if ('StatusCode' in record) return []; // the Invoke response printed before get-log-events
  // A Powertools / JSON-format record: one CloudWatch event holds the record on one line.
  return [{ message: JSON.stringify(record) }];
}

/**
 * How each file becomes events:
 * - `.log`: one event per non-blank line, except that a line starting `XRAY TraceId:` belongs to
 *   the REPORT before it (the docs wrap that one event over two lines).
 * - `danwakeem-…txt`: one line per Telemetry API batch printed by an extension as
 *   `⚡️ TELEMETRY: [records]`; each record is one event (JSON text).
 * - other `.txt`: top-level JSON documents, verbatim (doc bugs included); GetLogEvents documents
 *   are split per event.
 * - `.json`: GetLogEvents → per event; GetQueryResults → per row; Powertools → per record.
 */
export function eventsOf(file: string): SampleEvent[] {
  const text = readFileSync(join(LOG_DIR, file), 'utf8');
  if (file.endsWith('.log')) {
    const events: SampleEvent[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const last = events[events.length - 1];
      if (line.startsWith('XRAY TraceId:') && last?.message.startsWith('REPORT')) last.message += `\n${line}`;
      else events.push({ message: line });
    }
    return events;
  }
  if (file.startsWith('danwakeem-')) {
    return text.split('\n').filter((line) => line.includes('[')).flatMap((line) => (JSON.parse(line.slice(line.indexOf('['))) as unknown[]).map((record) => ({ message: JSON.stringify(record) })));
  }
  if (file.endsWith('.txt')) {
    return topLevelObjects(text).flatMap((doc) => {
      if (!doc.includes('"events"') && !doc.includes('"StatusCode"')) return [{ message: doc }];
      return fromJsonValue(JSON.parse(doc));
    });
  }
  return fromJsonValue(JSON.parse(text));
}
