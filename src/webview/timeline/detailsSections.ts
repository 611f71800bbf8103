/** The sections of the details pane, one function per concern of a span. */
import type { Span, SpanException } from '../../shared/traceModel';
import { button, el } from './dom';
import { formatAbsolute, formatDuration, SERVICE_LABEL, STATUS_LABEL } from './format';
import { icon } from './icons';
import { jsonNode } from './jsonTree';
import { frameNode } from './sourceLinks';

export interface SectionContext {
  traceStartEpochMs: number;
  copy: (text: string, what: 'spanId' | 'value') => void;
  selectSpan: (spanId: string) => void;
  spanName: (spanId: string) => string | undefined;
  /** "Go to source" for a failing span (the button in the details head, `G`). */
  goToSource: (spanId: string) => void;
  /** Opens `cause.exceptions[exceptionIndex].stack[frameIndex]` of the span. */
  openFrame: (spanId: string, exceptionIndex: number, frameIndex: number) => void;
}

type Value = string | number | boolean | undefined | null;

/** A key/value list; rows whose value is absent are skipped, every value gets a copy button. */
function kv(ctx: SectionContext, rows: [string, Value][], className = ''): HTMLElement | undefined {
  const items: HTMLElement[] = [];
  for (const [label, value] of rows) {
    if (value === undefined || value === null || value === '') {
      continue;
    }
    const text = String(value);
    const copy = button('', 'tl-icon-button tl-copy', () => ctx.copy(text, 'value'), `Copy ${label}`);
    copy.appendChild(icon('copy'));
    items.push(el('div', { className: 'tl-kv-row' }, [el('dt', { text: label }), el('dd', {}, [el('span', { className: 'tl-kv-value', text }), copy])]));
  }
  return items.length > 0 ? el('dl', { className: `tl-kv ${className}`.trim() }, items) : undefined;
}

function section(title: string, ...content: (HTMLElement | undefined)[]): HTMLElement | undefined {
  const body = content.filter((c): c is HTMLElement => c !== undefined);
  if (body.length === 0) {
    return undefined;
  }
  return el('section', { className: 'tl-section' }, [el('h3', { text: title }), ...body]);
}

export function overviewSection(span: Span, ctx: SectionContext): HTMLElement | undefined {
  const flags = [span.error && 'error', span.fault && 'fault', span.throttle && 'throttle', span.inProgress && 'in progress', span.clockSkew && 'clock skew (clamped to parent)', span.coldStart && 'cold start'].filter(Boolean).join(', ');
  return section(
    'Span',
    kv(ctx, [
      ['ID', span.id],
      ['Kind', span.kind],
      ['Service type', SERVICE_LABEL[span.serviceType] ?? span.serviceType],
      ['Origin', span.origin],
      ['Namespace', span.namespace],
      ['Start offset', `+${formatDuration(span.startMs)}`],
      ['Duration', span.inProgress ? `${formatDuration(span.durationMs)} (still running)` : formatDuration(span.durationMs)],
      ['Started', formatAbsolute(ctx.traceStartEpochMs + span.startMs)],
      ['Ended', span.inProgress ? undefined : formatAbsolute(ctx.traceStartEpochMs + span.endMs)],
      ['Status', STATUS_LABEL[span.status]],
      ['Flags', flags],
      ['Parent', span.declaredParentId && !span.parentId ? `${span.declaredParentId} (not in this trace)` : undefined],
      ['Resource ARN', span.resourceArn],
      ['User', span.user],
    ]),
  );
}

export function lambdaSection(span: Span, ctx: SectionContext): HTMLElement | undefined {
  const l = span.lambda;
  if (!l && !span.coldStart) {
    return undefined;
  }
  return section(
    'Lambda',
    kv(ctx, [
      ['Request ID', l?.requestId],
      ['Function', l?.functionName],
      ['Function ARN', l?.functionArn],
      ['Cold start', span.coldStart ? 'yes' : undefined],
      ['Log groups', l?.logGroups?.join(', ')],
    ]),
  );
}

export function httpSection(span: Span, ctx: SectionContext): HTMLElement | undefined {
  const req = span.http?.request;
  const res = span.http?.response;
  return section(
    'HTTP',
    kv(ctx, [
      ['Method', req?.method],
      ['URL', req?.url],
      ['Status', res?.status],
      ['Content length', res?.contentLength],
      ['User agent', req?.userAgent],
      ['Client IP', req?.clientIp],
      ['X-Forwarded-For', req?.xForwardedFor === undefined ? undefined : String(req.xForwardedFor)],
      ['Traced', req?.traced === undefined ? undefined : String(req.traced)],
    ]),
  );
}

export function awsSection(span: Span, ctx: SectionContext): HTMLElement | undefined {
  const a = span.aws;
  if (!a) {
    return undefined;
  }
  const other = a.other ? Object.entries(a.other) : [];
  const otherTree = other.length > 0 ? el('div', { className: 'tl-json' }, other.map(([k, v]) => jsonNode(k, v, (text) => ctx.copy(text, 'value'), false))) : undefined;
  return section(
    'AWS call',
    kv(ctx, [
      ['Operation', a.operation],
      ['Region', a.region],
      ['Account', a.accountId],
      ['Table', a.tableName],
      ['Queue URL', a.queueUrl],
      ['Topic ARN', a.topicArn],
      ['Function', a.functionName],
      ['Request ID', a.requestId],
      ['Resource names', a.resourceNames?.join(', ')],
      ['Retries', a.retries],
    ]),
    otherTree,
  );
}

export function sqlSection(span: Span, ctx: SectionContext): HTMLElement | undefined {
  const s = span.sql;
  if (!s) {
    return undefined;
  }
  const query = s.sanitizedQuery ? el('pre', { className: 'tl-code', text: s.sanitizedQuery }) : undefined;
  return section(
    'SQL',
    query,
    kv(ctx, [
      ['Query', s.sanitizedQuery],
      ['Database', s.databaseType],
      ['Version', s.databaseVersion],
      ['Driver', s.driverVersion],
      ['URL', s.url],
      ['Connection', s.connectionString],
      ['User', s.user],
      ['Preparation', s.preparation],
    ]),
  );
}

export function annotationsSection(span: Span, ctx: SectionContext): HTMLElement | undefined {
  const entries = Object.entries(span.annotations);
  return entries.length === 0 ? undefined : section('Annotations', kv(ctx, entries.map(([k, v]): [string, Value] => [k, v]), 'tl-kv-annotations'));
}

export function metadataSection(span: Span, ctx: SectionContext): HTMLElement | undefined {
  const entries = Object.entries(span.metadata);
  if (entries.length === 0) {
    return undefined;
  }
  const copy = (text: string): void => ctx.copy(text, 'value');
  return section('Metadata', el('div', { className: 'tl-json' }, entries.map(([ns, value]) => jsonNode(ns, value, copy, true))));
}

/** `exceptionIndex` is the exception's index in `span.cause.exceptions`: frame links name it so. */
function exceptionNode(span: Span, exception: SpanException, exceptionIndex: number, ctx: SectionContext): HTMLElement {
  const head = el('div', { className: 'tl-exception-head' }, [
    icon('fault'),
    el('span', { className: 'tl-exception-type', text: exception.type ?? 'Exception' }),
    exception.remote ? el('span', { className: 'tl-badge', text: 'remote', title: 'Caused by an error returned from a downstream service' }) : undefined,
  ]);
  const notes = [
    exception.truncated ? `${exception.truncated} frame${exception.truncated === 1 ? '' : 's'} truncated` : '',
    exception.skipped ? `${exception.skipped} exception${exception.skipped === 1 ? '' : 's'} skipped` : '',
    exception.causeId ? `caused by exception ${exception.causeId}` : '',
    exception.id ? `id ${exception.id}` : '',
  ].filter(Boolean);
  const frames = exception.stack.map((frame, frameIndex) => frameNode(frame, () => ctx.openFrame(span.id, exceptionIndex, frameIndex)));
  return el('div', { className: 'tl-exception' }, [
    head,
    exception.message ? el('div', { className: 'tl-exception-message', text: exception.message }) : undefined,
    notes.length > 0 ? el('div', { className: 'tl-dim', text: notes.join(' · ') }) : undefined,
    frames.length > 0 ? el('div', { className: 'tl-stack', attrs: { role: 'list', 'aria-label': 'Stack trace' } }, frames) : undefined,
  ]);
}

export function exceptionsSection(span: Span, ctx: SectionContext): HTMLElement | undefined {
  const cause = span.cause;
  if (!cause) {
    return undefined;
  }
  const reference = cause.reference;
  let referenceNode: HTMLElement | undefined;
  if (reference) {
    const target = reference.spanId;
    referenceNode = target
      ? el('p', { className: 'tl-cause-ref' }, [
          el('span', { text: `Exception ${reference.id} recorded on span ` }),
          button(ctx.spanName(target) ?? target, 'tl-link-button tl-cause-link', () => ctx.selectSpan(target)),
        ])
      : el('p', { className: 'tl-cause-ref tl-dim', text: `Exception ${reference.id} is recorded on a span that is not in this trace.` });
  }
  const context = kv(ctx, [
    ['Working directory', cause.workingDirectory],
    ['Paths', cause.paths?.join(', ')],
  ]);
  return section('Exceptions', referenceNode, ...cause.exceptions.map((exception, i) => exceptionNode(span, exception, i, ctx)), context);
}

export function linksSection(span: Span, ctx: SectionContext): HTMLElement | undefined {
  const links = span.links ?? [];
  return section(
    'Links',
    ...links.map((link, i) =>
      kv(ctx, [
        [`Link ${i + 1} trace`, link.traceId],
        ['Span', link.spanId],
        ['Attributes', link.attributes ? JSON.stringify(link.attributes) : undefined],
      ]),
    ),
  );
}
