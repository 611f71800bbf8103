/**
 * OTLP log records → parsed log lines that can join their trace. The body is read by the same
 * `core/lambdaLogParser.ts` as CloudWatch events (so `START`/`REPORT` lines, `Invoke Error`
 * payloads and JSON logs mean the same thing locally); the record's own trace id, span id,
 * severity and `faas.invocation_id` fill what the text does not say.
 */
import type { LogLevel, ParsedLogLine } from '../../shared/logModel';
import { parseLambdaLogLine, traceIdsIn } from '../lambdaLogParser';
import { w3cToXray } from '../traceIds';
import type { OtlpAttributes, OtlpLogRecord, OtlpLogsRequest, OtlpValue } from './otlpTypes';

/** Structurally the store's `LocalLogLine` (core cannot import `src/local`). */
export interface OtlpLogLine {
  /** Epoch ms. */
  timestamp: number;
  /** X-Ray form. */
  traceId?: string;
  spanId?: string;
  service?: string;
  parsed: ParsedLogLine;
}

/** `SeverityNumber` ranges: 1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN, 17–20 ERROR, 21–24 FATAL. */
export function levelOfSeverity(severity: number): LogLevel {
  if (severity >= 21) return 'fatal';
  if (severity >= 17) return 'error';
  if (severity >= 13) return 'warn';
  if (severity >= 9) return 'info';
  if (severity >= 5) return 'debug';
  if (severity >= 1) return 'trace';
  return 'unknown';
}

function bodyText(body: OtlpValue | undefined): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (typeof body === 'number' || typeof body === 'boolean') return String(body);
  return JSON.stringify(body);
}

function stringAttr(attributes: OtlpAttributes, key: string): string | undefined {
  const value = Object.hasOwn(attributes, key) ? attributes[key] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function serviceOf(resource: OtlpAttributes): string | undefined {
  const faas = stringAttr(resource, 'faas.name');
  const service = stringAttr(resource, 'service.name');
  return faas ?? (service !== undefined && !service.startsWith('unknown_service') ? service : undefined);
}

/** One record → one line. `resource` is its `ResourceLogs.resource`. */
export function otlpLogRecordToLine(record: OtlpLogRecord, resource: OtlpAttributes): OtlpLogLine {
  const nanos = record.timeUnixNano > 0 ? record.timeUnixNano : record.observedTimeUnixNano;
  const timestamp = nanos > 0 ? Math.round(nanos / 1e6) : Date.now();
  const parsed = parseLambdaLogLine(bodyText(record.body), { timestamp });
  if (parsed.kind === 'app' && parsed.level === 'unknown') {
    const level = levelOfSeverity(record.severityNumber);
    if (level !== 'unknown') parsed.level = level;
  }
  const requestId = stringAttr(record.attributes, 'faas.invocation_id') ?? stringAttr(record.attributes, 'faas.execution') ?? stringAttr(record.attributes, 'aws.lambda.request_id');
  if (parsed.requestId === undefined && requestId !== undefined) parsed.requestId = requestId;
  // The record's own context first; else an id the text names (a REPORT line's `XRAY TraceId`).
  const traceId = (record.traceId === undefined ? undefined : w3cToXray(record.traceId)) ?? traceIdsIn(parsed)[0];
  const service = serviceOf(resource);
  return {
    timestamp,
    ...(traceId === undefined ? {} : { traceId }),
    ...(record.spanId === undefined || /^0+$/.test(record.spanId) ? {} : { spanId: record.spanId }),
    ...(service === undefined ? {} : { service }),
    parsed,
  };
}

/** Every record of a request, in order. */
export function otlpLogsRequestToLines(request: OtlpLogsRequest): OtlpLogLine[] {
  const lines: OtlpLogLine[] = [];
  for (const resourceLogs of request.resourceLogs) {
    for (const scopeLogs of resourceLogs.scopeLogs) {
      for (const record of scopeLogs.logRecords) lines.push(otlpLogRecordToLine(record, resourceLogs.resource));
    }
  }
  return lines;
}

export function countLogRecords(request: OtlpLogsRequest): number {
  let count = 0;
  for (const resourceLogs of request.resourceLogs) {
    for (const scopeLogs of resourceLogs.scopeLogs) count += scopeLogs.logRecords.length;
  }
  return count;
}
