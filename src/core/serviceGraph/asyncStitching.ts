/**
 * Stitches asynchronous hops between traces into edges, strongest evidence first:
 *   1. span links (`links` in X-Ray documents, OTLP span links) → `linked`, evidence `spanLink`;
 *   2. a root segment whose declared parent (carried by `AWSTraceHeader`) is a span of another
 *      trace of the set → `linked`, evidence `awsTraceHeader`;
 *   3. the same message id recorded by a publish call and by a consumer → `inferred`, `messageId`;
 *   4. a consumer trace that names a queue/topic/bus and starts within a short window after a
 *      publish to it, when nothing better links it → `inferred`, `timing`.
 * Without one of these nothing is drawn. An edge goes from the queue/topic/bus node to the node
 * the consumer's trace entered at (for Lambda, the function's service node), or from the
 * producer's node when the hop went through no messaging resource.
 *
 * The collector sees every span during the builder's walk and keeps only what stitching needs.
 */
import type { EdgeEvidence } from '../../shared/serviceGraphModel';
import type { Span, Trace } from '../../shared/traceModel';
import { parseTraceIdInput } from '../traceIds';
import { consumedResourcesOf, hasFields, isConsumeCall, isPublishCall, messageIdsOf } from './asyncEvidence';
import type { GraphAccumulator } from './graphAccumulator';
import { isDownstreamCall } from './traceWalk';
import type { SpanPlace } from './traceWalk';

interface Place {
  traceIndex: number;
  span: Span;
  ownerId: string | undefined;
  /** For call subsegments: the callee's node. */
  calleeId?: string;
}

interface Publish {
  traceIndex: number;
  span: Span;
  toId: string;
  startEpochMs: number;
}

interface ConsumerClue {
  traceIndex: number;
  span: Span;
  /** The node the consumer's trace entered at. */
  entryId: string;
  entrySpan: Span;
}

interface Delivery {
  from: string;
  to: string;
  kind: 'linked' | 'inferred';
  rank: number;
  evidence: EdgeEvidence;
  consumer: ConsumerClue;
  producerStartEpochMs?: number;
}

const RANK = { spanLink: 4, awsTraceHeader: 3, messageId: 2, timing: 1 } as const;
const MESSAGING_PREFIXES = ['sqs:', 'sns:', 'eventbridge:'];

function normalizeTraceId(raw: string): string {
  return parseTraceIdInput(raw) ?? raw.trim();
}

function isMessagingNode(id: string | undefined): id is string {
  return id !== undefined && MESSAGING_PREFIXES.some((prefix) => id.startsWith(prefix));
}

function spanKey(traceIndex: number, spanId: string): string {
  return `${traceIndex}/${spanId}`;
}

function label(span: Span): string {
  const operation = span.aws?.operation;
  return operation === undefined ? `"${span.name}"` : `${operation} ("${span.name}")`;
}

export class AsyncCollector {
  private readonly traceIndexById = new Map<string, number>();
  /** Span ids asked for by links, per producer trace index. */
  private readonly linkedSpanIds = new Map<number, Set<string>>();
  /** Declared parents missing from their own trace: looked for in every trace. */
  private readonly orphanParentIds = new Set<string>();
  private readonly places = new Map<string, Place>();
  private readonly placesBySpanId = new Map<string, Place[]>();
  private readonly publishes: Publish[] = [];
  private readonly links: Array<ConsumerClue & { traceId: string; spanId?: string }> = [];
  private readonly orphans: ConsumerClue[] = [];
  private readonly messageClues: Array<ConsumerClue & { messageId: string }> = [];
  private readonly resourceClues: Array<ConsumerClue & { resourceId: string }> = [];
  /** The first messaging resource each consumer trace names. */
  private readonly resourceByTrace = new Map<number, string>();

  constructor(private readonly traces: readonly Trace[]) {
    traces.forEach((trace, index) => this.traceIndexById.set(trace.id, index));
    traces.forEach((trace, index) => {
      for (const span of trace.spans) {
        if (span.links !== undefined) {
          for (const link of span.links) {
            const target = this.traceIndexById.get(normalizeTraceId(link.traceId));
            if (target !== undefined && target !== index && link.spanId !== undefined) {
              let ids = this.linkedSpanIds.get(target);
              if (ids === undefined) this.linkedSpanIds.set(target, (ids = new Set()));
              ids.add(link.spanId);
            }
          }
        }
        if (span.depth === 0 && span.kind === 'segment' && span.declaredParentId !== undefined) this.orphanParentIds.add(span.declaredParentId);
      }
    });
  }

  private wanted(traceIndex: number, spanId: string): boolean {
    if (this.orphanParentIds.size === 0 && this.linkedSpanIds.size === 0) return false;
    return this.orphanParentIds.has(spanId) || this.linkedSpanIds.get(traceIndex)?.has(spanId) === true;
  }

  private remember(place: Place): void {
    this.places.set(spanKey(place.traceIndex, place.span.id), place);
    const list = this.placesBySpanId.get(place.span.id);
    if (list === undefined) this.placesBySpanId.set(place.span.id, [place]);
    else list.push(place);
  }

  /** Every span of trace `traceIndex`, in walk order. */
  span(traceIndex: number, span: Span, place: SpanPlace): void {
    if (this.wanted(traceIndex, span.id)) this.remember({ traceIndex, span, ownerId: place.owner });
    if (place.entry === undefined || place.root === undefined || isDownstreamCall(span)) return;
    // Most spans carry no clue: allocate only for those that do (this runs for every span).
    const orphan = span.depth === 0 && span.kind === 'segment' && span.declaredParentId !== undefined;
    const fields = hasFields(span);
    if (span.links === undefined && !orphan && !fields) return;
    const clue: ConsumerClue = { traceIndex, span, entryId: place.entry, entrySpan: place.root };
    if (span.links !== undefined) {
      for (const link of span.links) this.links.push({ ...clue, traceId: normalizeTraceId(link.traceId), ...(link.spanId === undefined ? {} : { spanId: link.spanId }) });
    }
    if (orphan) this.orphans.push(clue);
    if (fields) this.consumerClues(clue, undefined);
  }

  /** Every downstream call of trace `traceIndex`, once its callee is known. */
  downstream(traceIndex: number, span: Span, place: SpanPlace, calleeId: string): void {
    const known = this.places.get(spanKey(traceIndex, span.id));
    if (known !== undefined) known.calleeId = calleeId;
    const trace = this.traces[traceIndex];
    if (isPublishCall(span)) {
      if (trace !== undefined) this.publishes.push({ traceIndex, span, toId: calleeId, startEpochMs: trace.startEpochMs + span.startMs });
      return;
    }
    if (place.entry === undefined || place.root === undefined || (!hasFields(span) && !isConsumeCall(span))) return;
    this.consumerClues({ traceIndex, span, entryId: place.entry, entrySpan: place.root }, calleeId);
  }

  private consumerClues(clue: ConsumerClue, calleeId: string | undefined): void {
    for (const messageId of messageIdsOf(clue.span)) this.messageClues.push({ ...clue, messageId });
    for (const resourceId of consumedResourcesOf(clue.span, calleeId)) {
      this.resourceClues.push({ ...clue, resourceId });
      if (!this.resourceByTrace.has(clue.traceIndex)) this.resourceByTrace.set(clue.traceIndex, resourceId);
    }
  }

  /** Adds the async edges to `graph`; returns the indexes of traces that were stitched as consumers. */
  stitch(graph: GraphAccumulator, timingWindowMs: number): Set<number> {
    const best = new Map<number, Map<string, Delivery>>();
    const offer = (delivery: Delivery, producerKey: string): void => {
      if (delivery.from === delivery.to) return;
      let byProducer = best.get(delivery.consumer.traceIndex);
      if (byProducer === undefined) best.set(delivery.consumer.traceIndex, (byProducer = new Map()));
      const key = `${producerKey}|${delivery.to}`;
      const known = byProducer.get(key);
      if (known === undefined || known.rank < delivery.rank) byProducer.set(key, delivery);
    };
    this.stitchLinks(offer);
    this.stitchOrphans(offer);
    this.stitchMessageIds(offer);
    this.stitchTiming(offer, best, timingWindowMs);
    for (const deliveries of best.values()) {
      for (const delivery of deliveries.values()) this.record(graph, delivery);
    }
    return new Set(best.keys());
  }

  private traceId(index: number): string {
    return this.traces[index]?.id ?? '';
  }

  private startOf(clue: ConsumerClue): number {
    return (this.traces[clue.traceIndex]?.startEpochMs ?? 0) + clue.entrySpan.startMs;
  }

  private fromPlace(place: Place): string | undefined {
    return isMessagingNode(place.calleeId) ? place.calleeId : place.ownerId;
  }

  private resourceOfConsumer(traceIndex: number): string | undefined {
    return this.resourceByTrace.get(traceIndex);
  }

  private stitchLinks(offer: (delivery: Delivery, producerKey: string) => void): void {
    for (const link of this.links) {
      const producer = this.traceIndexById.get(link.traceId);
      if (producer === link.traceIndex) continue;
      const place = producer === undefined || link.spanId === undefined ? undefined : this.places.get(spanKey(producer, link.spanId));
      // Without the producer's span, a resource the consumer names still anchors the hop.
      const from = place === undefined ? this.resourceOfConsumer(link.traceIndex) : this.fromPlace(place);
      if (from === undefined) continue;
      const description = place === undefined
        ? `Span link from trace ${link.traceId} to trace ${this.traceId(link.traceIndex)} (the producer span is not in the traces read)`
        : `Span link: ${label(place.span)} in trace ${link.traceId} → "${link.entrySpan.name}" in trace ${this.traceId(link.traceIndex)}`;
      offer({
        from, to: link.entryId, kind: 'linked', rank: RANK.spanLink, consumer: link,
        evidence: { kind: 'spanLink', description, fromTraceId: link.traceId, toTraceId: this.traceId(link.traceIndex) },
        ...(place === undefined ? {} : { producerStartEpochMs: this.startOfPlace(place) }),
      }, `${link.traceId}/${link.spanId ?? ''}`);
    }
  }

  private startOfPlace(place: Place): number {
    return (this.traces[place.traceIndex]?.startEpochMs ?? 0) + place.span.startMs;
  }

  private stitchOrphans(offer: (delivery: Delivery, producerKey: string) => void): void {
    for (const orphan of this.orphans) {
      const parentId = orphan.span.declaredParentId;
      if (parentId === undefined) continue;
      const place = this.placesBySpanId.get(parentId)?.find((candidate) => candidate.traceIndex !== orphan.traceIndex);
      const from = place === undefined ? undefined : this.fromPlace(place);
      if (place === undefined || from === undefined) continue;
      const producerTrace = this.traceId(place.traceIndex);
      offer({
        from, to: orphan.entryId, kind: 'linked', rank: RANK.awsTraceHeader, consumer: orphan, producerStartEpochMs: this.startOfPlace(place),
        evidence: {
          kind: 'awsTraceHeader',
          description: `"${orphan.span.name}" in trace ${this.traceId(orphan.traceIndex)} names ${label(place.span)} of trace ${producerTrace} as its parent (AWSTraceHeader)`,
          fromTraceId: producerTrace,
          toTraceId: this.traceId(orphan.traceIndex),
        },
      }, `${producerTrace}/${parentId}`);
    }
  }

  private stitchMessageIds(offer: (delivery: Delivery, producerKey: string) => void): void {
    if (this.messageClues.length === 0) return;
    const sent = new Map<string, Publish[]>();
    for (const publish of this.publishes) {
      for (const messageId of messageIdsOf(publish.span)) {
        const list = sent.get(messageId);
        if (list === undefined) sent.set(messageId, [publish]);
        else list.push(publish);
      }
    }
    for (const clue of this.messageClues) {
      for (const publish of sent.get(clue.messageId) ?? []) {
        if (publish.traceIndex === clue.traceIndex) continue;
        const producerTrace = this.traceId(publish.traceIndex);
        offer({
          from: publish.toId, to: clue.entryId, kind: 'inferred', rank: RANK.messageId, consumer: clue, producerStartEpochMs: publish.startEpochMs,
          evidence: {
            kind: 'messageId',
            description: `Message ${clue.messageId} sent by ${label(publish.span)} in trace ${producerTrace} was received in trace ${this.traceId(clue.traceIndex)}`,
            fromTraceId: producerTrace,
            toTraceId: this.traceId(clue.traceIndex),
          },
        }, `${producerTrace}/${publish.span.id}`);
      }
    }
  }

  private stitchTiming(offer: (delivery: Delivery, producerKey: string) => void, best: ReadonlyMap<number, unknown>, windowMs: number): void {
    if (this.resourceClues.length === 0 || windowMs <= 0) return;
    const byResource = new Map<string, Publish[]>();
    for (const publish of this.publishes) {
      const list = byResource.get(publish.toId);
      if (list === undefined) byResource.set(publish.toId, [publish]);
      else list.push(publish);
    }
    for (const list of byResource.values()) list.sort((a, b) => a.startEpochMs - b.startEpochMs);
    const done = new Set<number>(best.keys());
    for (const clue of this.resourceClues) {
      if (done.has(clue.traceIndex)) continue;
      const candidates = byResource.get(clue.resourceId);
      if (candidates === undefined) continue;
      const consumerStart = this.startOf(clue);
      // The latest publish at or before the consumer's start, from another trace, within the window.
      let low = 0;
      let high = candidates.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if ((candidates[middle]?.startEpochMs ?? 0) <= consumerStart) low = middle + 1;
        else high = middle;
      }
      let match: Publish | undefined;
      for (let i = low - 1; i >= 0; i--) {
        const publish = candidates[i];
        if (publish === undefined || consumerStart - publish.startEpochMs > windowMs) break;
        if (publish.traceIndex !== clue.traceIndex) {
          match = publish;
          break;
        }
      }
      if (match === undefined) continue;
      done.add(clue.traceIndex);
      const producerTrace = this.traceId(match.traceIndex);
      const ageMs = Math.round(consumerStart - match.startEpochMs);
      offer({
        from: match.toId, to: clue.entryId, kind: 'inferred', rank: RANK.timing, consumer: clue, producerStartEpochMs: match.startEpochMs,
        evidence: {
          kind: 'timing',
          description: `Trace ${this.traceId(clue.traceIndex)} consumes from ${clue.resourceId} and started ${ageMs} ms after ${label(match.span)} in trace ${producerTrace}; no link or message id confirms it`,
          fromTraceId: producerTrace,
          toTraceId: this.traceId(clue.traceIndex),
        },
      }, `${producerTrace}/${match.span.id}`);
    }
  }

  private record(graph: GraphAccumulator, delivery: Delivery): void {
    const edge = graph.edge(delivery.from, delivery.to, delivery.kind);
    const consumer = delivery.consumer.entrySpan;
    // An async edge measures the event's age: from the publish to the start of the consumer.
    const ageMs = delivery.producerStartEpochMs === undefined ? undefined : this.startOf(delivery.consumer) - delivery.producerStartEpochMs;
    graph.call(edge, consumer.status, ageMs === undefined || ageMs < 0 ? undefined : Math.round(ageMs * 1000) / 1000, delivery.consumer.traceIndex);
    graph.addEvidence(edge, delivery.evidence);
  }
}
