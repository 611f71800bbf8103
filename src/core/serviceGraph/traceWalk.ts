/**
 * One pass over a trace's spans (depth-first pre-order, as the trace builder gives them) that says
 * which node handled each request and which calls went from node to node, X-Ray style: a
 * segment is a request at its own node; a downstream-call subsegment (`aws`/`remote` namespace,
 * or SQL) is a call from the enclosing service to the callee, whose own segment (or X-Ray's
 * inferred segment) is the request at the callee when the trace has one. Spans nested inside a
 * call (retries, `attempt`, `marshal`, the SDK's own HTTP request) belong to that call.
 *
 * The builder and `pathOfTrace` both walk with this, so a highlighted path is always a path of
 * the map.
 */
import type { Span, Trace } from '../../shared/traceModel';
import { identityOf } from './nodeIdentity';
import type { NodeIdentity } from './nodeIdentity';

export interface WalkVisitor {
  /** A request handled at `node`, measured by `span`. */
  request(node: NodeIdentity, span: Span): void;
  /** A call from the node `fromId` to `to`, measured by `span` (the caller's view when it has one). */
  call(fromId: string, to: NodeIdentity, span: Span): void;
  /** A root segment of the trace: where requests enter. */
  entry?(span: Span, node: NodeIdentity): void;
  /** Every span, with where it runs. */
  span?(span: Span, place: SpanPlace): void;
  /** Every downstream call, once its callee is known. */
  downstream?(span: Span, place: SpanPlace, calleeId: string): void;
}

/** Where a span runs: the node that owns it and where its trace tree entered. */
export interface SpanPlace {
  /** The node the span runs in (the caller, for a call subsegment). */
  readonly owner: string | undefined;
  /** The node of the tree's root segment. */
  readonly entry: string | undefined;
  /** The tree's root span. */
  readonly root: Span | undefined;
}

interface PendingCall {
  span: Span;
  place: SpanPlace;
  target: string | undefined;
}

interface Frame extends SpanPlace {
  call: PendingCall | undefined;
}

const NO_FRAME: Frame = { owner: undefined, entry: undefined, root: undefined, call: undefined };

/** True for a subsegment recording a call to another service. */
export function isDownstreamCall(span: Span): boolean {
  return span.kind === 'subsegment' && (span.namespace === 'aws' || span.namespace === 'remote' || span.sql !== undefined);
}

function visitService(span: Span, parent: Frame | undefined, visitor: WalkVisitor): Frame {
  const node = identityOf(span, false);
  visitor.request(node, span);
  const call = parent?.call;
  const owner = parent?.owner;
  if (owner !== undefined && owner !== node.id) {
    // The caller's subsegment measures the call (network included); a second callee under the same call measures itself.
    visitor.call(owner, node, call !== undefined && call.target === undefined ? call.span : span);
  }
  if (call !== undefined && call.target === undefined) call.target = node.id;
  if (parent === undefined && span.kind === 'segment') visitor.entry?.(span, node);
  return parent === undefined
    ? { owner: node.id, entry: node.id, root: span, call: undefined }
    : { owner: node.id, entry: parent.entry, root: parent.root, call: undefined };
}

export function walkTrace(trace: Trace, visitor: WalkVisitor): void {
  const frames: Frame[] = [];
  const pending: PendingCall[] = [];
  for (const span of trace.spans) {
    const parent = span.depth > 0 ? frames[span.depth - 1] : undefined;
    let frame: Frame;
    if (span.kind !== 'subsegment') {
      frame = visitService(span, parent, visitor);
    } else if (parent?.call !== undefined) {
      frame = parent;
    } else if (isDownstreamCall(span)) {
      const place = parent ?? { owner: undefined, entry: undefined, root: span };
      const call: PendingCall = { span, place, target: undefined };
      pending.push(call);
      frame = { owner: place.owner, entry: place.entry, root: place.root, call };
    } else {
      frame = parent ?? { ...NO_FRAME, root: span };
    }
    frames[span.depth] = frame;
    visitor.span?.(span, frame);
  }
  for (const call of pending) {
    if (call.target === undefined) {
      // No segment of the callee in the trace: the call itself stands for the request there.
      const node = identityOf(call.span, true);
      visitor.request(node, call.span);
      const from = call.place.owner;
      if (from !== undefined && from !== node.id) visitor.call(from, node, call.span);
      call.target = node.id;
    }
    visitor.downstream?.(call.span, call.place, call.target);
  }
}
