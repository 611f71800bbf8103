/**
 * Which map node a span stands for. Ids are `${type}:${name}` and depend only on what the span
 * names (function, table, queue, topic, bus, bucket, host), never on the order traces arrive in,
 * so the map layout stays put when traces are added. Resources are named by the resource, not by
 * the SDK's service name: `sqs:orders` rather than `sqs:SQS`.
 */
import type { ServiceType, Span } from '../../shared/traceModel';
import { functionNameFromArn } from '../spanFields';

export interface NodeIdentity {
  id: string;
  type: ServiceType;
  name: string;
  resource?: string;
  functionName?: string;
  functionArn?: string;
}

export const CLIENT_NODE: NodeIdentity = { id: 'client:Clients', type: 'client', name: 'Clients' };

export function nodeId(type: ServiceType, name: string): string {
  return `${type}:${name}`;
}

function otherString(span: Span, ...keys: string[]): string | undefined {
  const other = span.aws?.other;
  if (other === undefined) return undefined;
  for (const key of keys) {
    const value = other[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

function afterLast(text: string, separator: string): string {
  const index = text.lastIndexOf(separator);
  return index >= 0 ? text.slice(index + 1) : text;
}

/** `https://sqs.us-east-1.amazonaws.com/123/orders` or `arn:aws:sqs:…:orders` → `orders`. */
export function queueNameOf(urlOrArn: string): string | undefined {
  const trimmed = urlOrArn.trim().replace(/\/+$/, '');
  const name = trimmed.startsWith('arn:') ? afterLast(trimmed, ':') : afterLast(trimmed, '/');
  return name === '' ? undefined : name;
}

/** `arn:aws:sns:…:topic` → `topic`; `arn:aws:events:…:event-bus/bus` → `bus`; `…:stateMachine:sm` → `sm`. */
export function arnResourceName(arn: string): string | undefined {
  const tail = afterLast(arn.trim(), ':');
  const name = afterLast(tail, '/');
  return name === '' ? undefined : name;
}

const URL_HOST = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]+)/i;

/** The host (and port) of an absolute URL; a regex rather than `new URL`, which is slow on this hot path. */
function hostOf(url: string | undefined): string | undefined {
  const host = url === undefined ? undefined : URL_HOST.exec(url)?.[1];
  return host === undefined || host === '' ? undefined : host.toLowerCase();
}

/** `my-fn`, `my-fn:alias`, or a function ARN → `my-fn`. */
function plainFunctionName(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.startsWith('arn:')) return functionNameFromArn(value);
  const name = value.split(':')[0];
  return name === undefined || name === '' ? undefined : name;
}

/** Fills in the resource's name and reference (URL, ARN, table) when the span says which one. */
function nameResource(span: Span, identity: { name?: string; resource?: string }): void {
  const aws = span.aws;
  let reference: string | undefined;
  switch (span.serviceType) {
    case 'dynamodb':
      reference = aws?.tableName ?? aws?.resourceNames?.[0];
      identity.name = reference;
      break;
    case 'sqs':
      reference = aws?.queueUrl ?? otherString(span, 'queue_arn') ?? (span.resourceArn?.startsWith('arn:aws:sqs') === true ? span.resourceArn : undefined);
      identity.name = reference === undefined ? otherString(span, 'queue_name') : queueNameOf(reference);
      break;
    case 'sns':
      reference = aws?.topicArn ?? otherString(span, 'target_arn') ?? span.resourceArn;
      identity.name = reference === undefined ? undefined : arnResourceName(reference);
      break;
    case 's3':
      reference = otherString(span, 'bucket_name', 'bucket');
      identity.name = reference;
      break;
    case 'eventbridge':
      reference = otherString(span, 'event_bus_name', 'event_bus_arn') ?? span.resourceArn;
      identity.name = reference === undefined ? undefined : reference.startsWith('arn:') ? arnResourceName(reference) : reference;
      break;
    case 'stepFunctions':
      reference = otherString(span, 'state_machine_arn', 'state_machine_name') ?? span.resourceArn;
      identity.name = reference === undefined ? undefined : arnResourceName(reference);
      break;
    case 'http': {
      const url = span.http?.request?.url;
      identity.name = hostOf(url);
      reference = identity.name ?? url;
      break;
    }
    case 'sql':
      reference = span.sql?.url;
      break;
    default:
      break;
  }
  if (reference !== undefined) identity.resource = reference;
}

function lambdaIdentity(span: Span, type: ServiceType, isCall: boolean): NodeIdentity {
  const functionArn = span.lambda?.functionArn ?? (span.resourceArn?.startsWith('arn:aws:lambda') === true ? span.resourceArn : undefined);
  const called = isCall ? plainFunctionName(span.aws?.functionName ?? span.aws?.resourceNames?.[0]) : undefined;
  const functionName = span.lambda?.functionName ?? called ?? (functionArn === undefined ? undefined : functionNameFromArn(functionArn));
  // A call names the function it invokes; a segment is named after its function by Lambda itself.
  const name = isCall ? (called ?? span.name) : span.name;
  return {
    id: nodeId(type, name),
    type,
    name,
    ...(functionName === undefined ? {} : { functionName }),
    ...(functionArn === undefined ? {} : { functionArn }),
  };
}

/**
 * The node of a segment, an inferred segment, or a downstream-call subsegment (`isCall`).
 * Segments of application services keep their own name; resources are named by the resource.
 */
export function identityOf(span: Span, isCall: boolean): NodeIdentity {
  const type = span.serviceType;
  if (type === 'lambda' || type === 'lambdaFunction') return lambdaIdentity(span, type, isCall || span.kind === 'inferred');
  const named: { name?: string; resource?: string } = {};
  nameResource(span, named);
  const name = named.name ?? span.name;
  const identity: NodeIdentity = { id: nodeId(type, name), type, name };
  if (named.resource !== undefined) identity.resource = named.resource;
  return identity;
}
