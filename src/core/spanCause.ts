/**
 * The `cause` of a (sub)segment. X-Ray allows a full object with exceptions, or a reference to an
 * exception recorded on another span: a 16-char id string, or the Node SDK's `{ id, exceptions: [] }`
 * written on ancestors of the subsegment where the error was first captured.
 */
import type { Span, SpanCause, SpanException, StackFrame, TraceWarning } from '../shared/traceModel';
import { isRecord, readBoolean, readLooseNumber, readString, readStringArray } from './jsonRead';
import type { JsonRecord } from './jsonRead';

function readStack(exception: JsonRecord): StackFrame[] {
  const stack = exception['stack'];
  if (!Array.isArray(stack)) {
    return [];
  }
  const frames: StackFrame[] = [];
  for (const frame of stack) {
    if (!isRecord(frame)) {
      continue;
    }
    const path = readString(frame, 'path');
    const line = readLooseNumber(frame, 'line');
    const column = readLooseNumber(frame, 'column');
    const label = readString(frame, 'label');
    frames.push({
      ...(path === undefined ? {} : { path }),
      ...(line === undefined ? {} : { line }),
      // Not an X-Ray field: only documents mapped from OTLP (`core/otlp/otlpToXray.ts`) carry it.
      ...(column !== undefined && Number.isInteger(column) && column > 0 ? { column } : {}),
      ...(label === undefined ? {} : { label }),
    });
  }
  return frames;
}

function readException(exception: JsonRecord): SpanException {
  const out: SpanException = { remote: readBoolean(exception, 'remote') === true, stack: readStack(exception) };
  const id = readString(exception, 'id');
  const type = readString(exception, 'type');
  const message = readString(exception, 'message');
  const truncated = readLooseNumber(exception, 'truncated');
  const skipped = readLooseNumber(exception, 'skipped');
  const causeId = readString(exception, 'cause');
  if (id !== undefined) out.id = id;
  if (type !== undefined) out.type = type;
  if (message !== undefined) out.message = message;
  if (truncated !== undefined) out.truncated = truncated;
  if (skipped !== undefined) out.skipped = skipped;
  if (causeId !== undefined) out.causeId = causeId;
  return out;
}

/** Reads `cause`; a reference is left unresolved (`reference.spanId` unset) for `resolveCauseReferences`. */
export function readCause(doc: JsonRecord, spanId: string, warnings: TraceWarning[]): SpanCause | undefined {
  if (!('cause' in doc)) {
    return undefined;
  }
  const cause = doc['cause'];
  if (typeof cause === 'string' && cause !== '') {
    return { exceptions: [], reference: { id: cause } };
  }
  if (!isRecord(cause)) {
    warnings.push({ code: 'invalidField', message: `Ignored the cause of ${spanId}: it is ${cause === null ? 'null' : typeof cause}, not an object or exception id`, spanId });
    return undefined;
  }
  const rawExceptions = Array.isArray(cause['exceptions']) ? cause['exceptions'] : [];
  const exceptions = rawExceptions.filter(isRecord).map(readException);
  const out: SpanCause = { exceptions };
  const workingDirectory = readString(cause, 'working_directory');
  const paths = readStringArray(cause, 'paths');
  if (workingDirectory !== undefined) out.workingDirectory = workingDirectory;
  if (paths !== undefined) out.paths = paths;
  const referenceId = readString(cause, 'id');
  if (referenceId !== undefined && exceptions.length === 0) {
    out.reference = { id: referenceId };
  }
  return out;
}

/**
 * Points every cause reference at the span that records the exception (or, for the Node SDK form,
 * at the subsegment with that id). `spans` is in tree order, so the first recorder wins.
 */
export function resolveCauseReferences(spans: readonly Span[], spanIds: { has(id: string): boolean }, warnings: TraceWarning[]): void {
  const exceptionOwner = new Map<string, string>();
  for (const span of spans) {
    if (span.cause === undefined) continue;
    for (const exception of span.cause?.exceptions ?? []) {
      if (exception.id !== undefined && !exceptionOwner.has(exception.id)) {
        exceptionOwner.set(exception.id, span.id);
      }
    }
  }
  for (const span of spans) {
    const reference = span.cause?.reference;
    if (reference === undefined) {
      continue;
    }
    const owner = exceptionOwner.get(reference.id) ?? (spanIds.has(reference.id) ? reference.id : undefined);
    if (owner !== undefined && owner !== span.id) {
      reference.spanId = owner;
    } else {
      warnings.push({ code: 'unresolvedCause', message: `Cause of ${span.id} refers to ${reference.id}, which is not recorded in this trace`, spanId: span.id });
    }
  }
}
