/**
 * What a span says about asynchronous messaging: whether it publishes to a queue, topic or bus,
 * the message ids it records, and the resources a consumer names. X-Ray SDKs record the SQS
 * `SendMessage` response's `MessageId` as `aws.message_id` (aws-xray-sdk-core
 * `resources/aws_whitelist.json`, keys snake-cased by `patchers/call_capturer.js`); consumers
 * usually put the id of the record they handle in an annotation or metadata, and OpenTelemetry
 * producers use `messaging.message.id`.
 */
import type { JsonValue, ServiceType, Span } from '../../shared/traceModel';
import { arnResourceName, nodeId, queueNameOf } from './nodeIdentity';
import { isDownstreamCall } from './traceWalk';

/** Messaging resources an async hop goes through. */
export const MESSAGING_TYPES: ReadonlySet<ServiceType> = new Set<ServiceType>(['sqs', 'sns', 'eventbridge']);

const PUBLISH_OPERATIONS: ReadonlyMap<ServiceType, ReadonlySet<string>> = new Map<ServiceType, ReadonlySet<string>>([
  ['sqs', new Set(['sendmessage', 'sendmessagebatch'])],
  ['sns', new Set(['publish', 'publishbatch'])],
  ['eventbridge', new Set(['putevents'])],
]);

/** SQS calls a queue's consumer makes on it (pollers, manual deletes after handling). */
const CONSUME_OPERATIONS = new Set(['receivemessage', 'deletemessage', 'deletemessagebatch', 'changemessagevisibility', 'changemessagevisibilitybatch']);

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const MESSAGE_ID_KEYS = new Set(['messageid', 'messageids', 'messagingmessageid', 'sqsmessageid', 'snsmessageid', 'awssqsmessageid', 'eventid', 'eventbridgeeventid']);

type ResourceHint = 'sqs' | 'sns' | 'eventbridge' | 'any';

const RESOURCE_KEYS: ReadonlyMap<string, ResourceHint> = new Map<string, ResourceHint>([
  ['eventsourcearn', 'any'],
  ['eventsource', 'any'],
  ['queueurl', 'sqs'],
  ['queuearn', 'sqs'],
  ['queuename', 'sqs'],
  ['sqsqueueurl', 'sqs'],
  ['sqsqueuename', 'sqs'],
  ['awssqsqueueurl', 'sqs'],
  ['awssqsqueuename', 'sqs'],
  ['topicarn', 'sns'],
  ['snstopicarn', 'sns'],
  ['awssnstopicarn', 'sns'],
  ['eventbusname', 'eventbridge'],
  ['eventbusarn', 'eventbridge'],
  ['messagingdestinationname', 'any'],
  ['messagingdestination', 'any'],
  ['messagingsourcename', 'any'],
]);

function operationOf(span: Span): string {
  return (span.aws?.operation ?? '').toLowerCase();
}

/** A `SendMessage`/`Publish`/`PutEvents` call subsegment. */
export function isPublishCall(span: Span): boolean {
  return isDownstreamCall(span) && PUBLISH_OPERATIONS.get(span.serviceType)?.has(operationOf(span)) === true;
}

/** Node ids a resource reference may stand for: `arn:aws:sqs:…:q` → `sqs:q`; a bare name with no hint → each messaging type. */
export function resourceNodeIds(value: string, hint: ResourceHint): string[] {
  const text = value.trim();
  if (text === '') return [];
  if (text.startsWith('arn:')) {
    const service = text.split(':')[2];
    const name = arnResourceName(text);
    if (name === undefined) return [];
    if (service === 'sqs') return [nodeId('sqs', name)];
    if (service === 'sns') return [nodeId('sns', name)];
    if (service === 'events') return [nodeId('eventbridge', name)];
    return [];
  }
  if (/^https?:\/\//i.test(text)) {
    const name = queueNameOf(text);
    return name !== undefined && (hint === 'sqs' || /sqs|queue/i.test(text)) ? [nodeId('sqs', name)] : [];
  }
  if (hint === 'any') return [nodeId('sqs', text), nodeId('sns', text), nodeId('eventbridge', text)];
  return [nodeId(hint, text)];
}

function collectStrings(value: JsonValue | undefined, out: string[]): void {
  if (typeof value === 'string' && value !== '') out.push(value);
  else if (typeof value === 'number' && Number.isFinite(value)) out.push(String(value));
  else if (Array.isArray(value)) {
    for (const item of value.slice(0, 100)) if (typeof item === 'string' && item !== '') out.push(item);
  }
}

/** Calls `visit(normalizedKey, value)` for annotations, `aws` extras and metadata one namespace deep. */
function forEachField(span: Span, visit: (key: string, value: JsonValue) => void): void {
  const other = span.aws?.other;
  if (other !== undefined) for (const key in other) visit(normalizeKey(key), other[key] ?? null);
  const annotations = span.annotations;
  for (const key in annotations) visit(normalizeKey(key), annotations[key] ?? null);
  const metadata = span.metadata;
  for (const namespace in metadata) {
    const inner = metadata[namespace];
    visit(normalizeKey(namespace), inner ?? null);
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      for (const key in inner) visit(normalizeKey(key), inner[key] ?? null);
    }
  }
}

/** True when the span has annotations, metadata or `aws` extras: the only places clues live. */
export function hasFields(span: Span): boolean {
  if (span.aws?.other !== undefined) return true;
  for (const _ in span.annotations) return true;
  for (const _ in span.metadata) return true;
  return false;
}

/** Message ids the span records (producer response fields, consumer annotations or metadata). */
export function messageIdsOf(span: Span): string[] {
  if (!hasFields(span)) return [];
  const ids: string[] = [];
  forEachField(span, (key, value) => {
    if (MESSAGE_ID_KEYS.has(key)) collectStrings(value, ids);
  });
  return ids;
}

/** An SQS call a consumer makes on its queue (`ReceiveMessage`, `DeleteMessage`, …). */
export function isConsumeCall(span: Span): boolean {
  return span.serviceType === 'sqs' && isDownstreamCall(span) && CONSUME_OPERATIONS.has(operationOf(span));
}

/** Messaging resources (node ids) the span says it consumes from. Publish calls name none. */
export function consumedResourcesOf(span: Span, calleeId: string | undefined): string[] {
  const out: string[] = [];
  if (calleeId !== undefined && isConsumeCall(span)) out.push(calleeId);
  if (isPublishCall(span) || !hasFields(span)) return out;
  forEachField(span, (key, value) => {
    const hint = RESOURCE_KEYS.get(key);
    if (hint === undefined) return;
    const values: string[] = [];
    collectStrings(value, values);
    for (const text of values) out.push(...resourceNodeIds(text, hint));
  });
  return out;
}
