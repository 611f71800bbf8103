/**
 * Extraction of the optional blocks of a (sub)segment document (`http`, `aws`, `sql`,
 * `annotations`, `metadata`, `links`) into the trace model. Wrong types are dropped field by field
 * so that one odd value never costs the whole span.
 */
import type { AwsCallInfo, HttpInfo, JsonValue, LambdaInfo, SpanLink, SqlInfo } from '../shared/traceModel';
import {
  isRecord,
  readBoolean,
  readLooseNumber,
  readNumber,
  readRecord,
  readString,
  readStringArray,
  setOwn,
  toJsonValue,
} from './jsonRead';
import type { JsonRecord } from './jsonRead';

export function readHttp(doc: JsonRecord): HttpInfo | undefined {
  const http = readRecord(doc, 'http');
  if (http === undefined) {
    return undefined;
  }
  // Plain conditional assignments: this runs for most spans of 100,000-span traces.
  const out: HttpInfo = {};
  const req = readRecord(http, 'request');
  if (req !== undefined) {
    const request: NonNullable<HttpInfo['request']> = {};
    const method = readString(req, 'method');
    const url = readString(req, 'url');
    const userAgent = readString(req, 'user_agent');
    const clientIp = readString(req, 'client_ip');
    const xForwardedFor = readBoolean(req, 'x_forwarded_for');
    // The OTel testdata puts `traced` next to `http`; the documented place is `http.request`.
    const traced = readBoolean(req, 'traced') ?? readBoolean(doc, 'traced');
    if (method !== undefined) request.method = method;
    if (url !== undefined) request.url = url;
    if (userAgent !== undefined) request.userAgent = userAgent;
    if (clientIp !== undefined) request.clientIp = clientIp;
    if (xForwardedFor !== undefined) request.xForwardedFor = xForwardedFor;
    if (traced !== undefined) request.traced = traced;
    out.request = request;
  }
  const res = readRecord(http, 'response');
  if (res !== undefined) {
    const response: NonNullable<HttpInfo['response']> = {};
    const status = readLooseNumber(res, 'status');
    const contentLength = readLooseNumber(res, 'content_length');
    if (status !== undefined) response.status = status;
    if (contentLength !== undefined) response.contentLength = contentLength;
    out.response = response;
  }
  return out.request === undefined && out.response === undefined ? undefined : out;
}

const AWS_KNOWN_KEYS = new Set([
  'operation', 'region', 'account_id', 'request_id', 'queue_url', 'table_name', 'topic_arn', 'function_name', 'resource_names', 'retries',
]);

const AWS_STRING_FIELDS: ReadonlyArray<readonly [keyof AwsCallInfo & string, string]> = [
  ['operation', 'operation'], ['region', 'region'], ['requestId', 'request_id'], ['queueUrl', 'queue_url'],
  ['tableName', 'table_name'], ['topicArn', 'topic_arn'], ['functionName', 'function_name'],
];

function readAwsOther(aws: JsonRecord): Record<string, JsonValue> | undefined {
  let other: Record<string, JsonValue> | undefined;
  for (const key in aws) {
    if (AWS_KNOWN_KEYS.has(key) || !Object.hasOwn(aws, key)) continue;
    const converted = toJsonValue(aws[key]);
    if (converted !== undefined) {
      other ??= {};
      setOwn(other, key, converted);
    }
  }
  return other;
}

export function readAwsCall(doc: JsonRecord): AwsCallInfo | undefined {
  const aws = readRecord(doc, 'aws');
  if (aws === undefined) {
    return undefined;
  }
  const out: AwsCallInfo = {};
  for (const [field, key] of AWS_STRING_FIELDS) {
    const value = readString(aws, key);
    if (value !== undefined) (out as Record<string, unknown>)[field] = value;
  }
  // Some producers write the account id as a number.
  const accountId = readString(aws, 'account_id') ?? readNumber(aws, 'account_id')?.toString();
  const resourceNames = readStringArray(aws, 'resource_names');
  const retries = readLooseNumber(aws, 'retries');
  const other = readAwsOther(aws);
  if (accountId !== undefined) out.accountId = accountId;
  if (resourceNames !== undefined) out.resourceNames = resourceNames;
  if (retries !== undefined) out.retries = retries;
  if (other !== undefined) out.other = other;
  return out;
}

/** Copies the defined values only, so optional fields stay absent rather than `undefined`. */
function compact<T extends object>(value: T): T | undefined {
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    const item = value[key];
    if (item !== undefined) {
      out ??= {};
      out[key] = item;
    }
  }
  return out as T | undefined;
}

export function readSql(doc: JsonRecord): SqlInfo | undefined {
  const sql = readRecord(doc, 'sql');
  if (sql === undefined) {
    return undefined;
  }
  return compact({
    url: readString(sql, 'url'),
    connectionString: readString(sql, 'connection_string'),
    sanitizedQuery: readString(sql, 'sanitized_query'),
    databaseType: readString(sql, 'database_type'),
    databaseVersion: readString(sql, 'database_version'),
    driverVersion: readString(sql, 'driver_version'),
    user: readString(sql, 'user'),
    preparation: readString(sql, 'preparation'),
  }) ?? {};
}

/** Annotations are indexed scalars; anything else a producer put there is not an annotation. */
export function readAnnotations(doc: JsonRecord): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const annotations = readRecord(doc, 'annotations');
  if (annotations === undefined) {
    return out;
  }
  for (const [key, value] of Object.entries(annotations)) {
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      if (key === '__proto__') setOwn(out, key, value);
      else out[key] = value;
    }
  }
  return out;
}

export function readMetadata(doc: JsonRecord): Record<string, JsonValue> {
  const raw = readRecord(doc, 'metadata');
  if (raw === undefined) {
    return {};
  }
  const metadata = toJsonValue(raw);
  return isRecord(metadata) ? (metadata as Record<string, JsonValue>) : {};
}

export function readLinks(doc: JsonRecord): SpanLink[] | undefined {
  const links = doc['links'];
  if (!Array.isArray(links)) {
    return undefined;
  }
  const out: SpanLink[] = [];
  for (const link of links) {
    if (!isRecord(link)) {
      continue;
    }
    const traceId = readString(link, 'trace_id');
    if (traceId === undefined) {
      continue;
    }
    const spanId = readString(link, 'id');
    const attributes = toJsonValue(readRecord(link, 'attributes'));
    out.push({
      traceId,
      ...(spanId === undefined ? {} : { spanId }),
      ...(isRecord(attributes) ? { attributes: attributes as Record<string, JsonValue> } : {}),
    });
  }
  return out.length > 0 ? out : undefined;
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` → `<name>`. */
export function functionNameFromArn(arn: string): string | undefined {
  const parts = arn.split(':');
  const index = parts.indexOf('function');
  const name = index >= 0 ? parts[index + 1] : undefined;
  return name === undefined || name === '' ? undefined : name;
}

function readLogGroups(aws: JsonRecord): string[] | undefined {
  const logs = aws['cloudwatch_logs'];
  if (!Array.isArray(logs)) {
    return undefined;
  }
  const groups = logs.filter(isRecord).map((entry) => readString(entry, 'log_group')).filter((group): group is string => group !== undefined);
  return groups.length > 0 ? groups : undefined;
}

/** Lambda details of an `AWS::Lambda` service segment or an `AWS::Lambda::Function` segment. */
export function readLambda(doc: JsonRecord, origin: string | undefined): LambdaInfo | undefined {
  if (origin !== 'AWS::Lambda' && origin !== 'AWS::Lambda::Function') {
    return undefined;
  }
  const aws = readRecord(doc, 'aws') ?? {};
  const functionArn = readString(doc, 'resource_arn') ?? readString(aws, 'function_arn');
  const functionName = (functionArn === undefined ? undefined : functionNameFromArn(functionArn)) ?? readString(aws, 'function_name');
  return compact({
    // Lambda writes the request id on the service segment; OpenTelemetry function spans
    // (`faas.invocation_id`, mapped by `core/otlp/otlpToXray.ts`) carry it on the function segment.
    requestId: readString(aws, 'request_id'),
    functionArn,
    functionName,
    logGroups: readLogGroups(aws),
  }) ?? {};
}
