/** The details pane of the selected span. */
import type { Span } from '../../shared/traceModel';
import { el } from './dom';
import { SERVICE_LABEL, STATUS_LABEL } from './format';
import { icon, labelledIcon, serviceIcon } from './icons';
import { goToSourceButton, isFailingSpan } from './sourceLinks';
import type { SectionContext } from './detailsSections';
import {
  annotationsSection,
  awsSection,
  exceptionsSection,
  httpSection,
  lambdaSection,
  linksSection,
  metadataSection,
  overviewSection,
  sqlSection,
} from './detailsSections';

const SECTIONS = [overviewSection, lambdaSection, httpSection, awsSection, sqlSection, exceptionsSection, annotationsSection, metadataSection, linksSection];

function detailsHead(span: Span, ctx: SectionContext): HTMLElement {
  return el('div', { className: 'tl-details-head' }, [
    el('span', { className: 'tl-svc', title: SERVICE_LABEL[span.serviceType] ?? span.serviceType }, [serviceIcon(span.serviceType)]),
    el('h2', { className: 'tl-details-title', text: span.name }),
    el('span', { className: `tl-pill status-${span.status}`, attrs: { 'data-status': span.status } }, [icon(span.status), el('span', { text: STATUS_LABEL[span.status] })]),
    span.coldStart ? el('span', { className: 'tl-badge tl-badge-cold' }, [labelledIcon('coldStart', 'Cold start'), el('span', { text: 'Cold start' })]) : undefined,
    isFailingSpan(span) ? goToSourceButton(() => ctx.goToSource(span.id)) : undefined,
  ]);
}

/** Shown while the selected span's full record is on its way from the host. */
export function renderDetailsLoading(container: HTMLElement): void {
  container.setAttribute('aria-busy', 'true');
  container.replaceChildren(el('p', { className: 'tl-details-empty tl-details-loading tl-dim', text: 'Loading details…', attrs: { role: 'status' } }));
}

export function renderDetails(container: HTMLElement, span: Span | undefined, ctx: SectionContext): void {
  container.removeAttribute('aria-busy');
  if (!span) {
    container.replaceChildren(el('p', { className: 'tl-details-empty tl-dim', text: 'Select a span to see its details.' }));
    return;
  }
  const sections = SECTIONS.map((make) => make(span, ctx)).filter((s): s is HTMLElement => s !== undefined);
  container.replaceChildren(detailsHead(span, ctx), el('div', { className: 'tl-details-body' }, sections));
  container.scrollTop = 0;
}
