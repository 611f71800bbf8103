/**
 * The details pane's data: the page holds only the columnar rows, so the full `Span` of the
 * selected row is asked of the host (`requestSpan`) and shown when its `span` reply arrives.
 * A few recent spans are kept so going back and forth between rows does not ask again.
 */
import type { Span } from '../../shared/traceModel';
import { renderDetails, renderDetailsLoading } from './details';
import type { SectionContext } from './detailsSections';

/** Spans kept; each may carry large metadata, and a re-request is one host round trip. */
const CACHE_SIZE = 100;

export class DetailsPane {
  private readonly cache = new Map<string, Span>();
  /** Id of the span the pane shows or waits for; undefined when nothing is selected. */
  private wanted: string | undefined;
  /** Id of the span whose details are rendered (not just awaited). */
  private rendered: string | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly context: SectionContext,
    private readonly request: (spanId: string) => void,
  ) {}

  /** Shows the span's details, or "Loading details…" while they are fetched. */
  show(spanId: string | undefined): void {
    this.wanted = spanId;
    if (spanId === undefined) {
      this.rendered = undefined;
      renderDetails(this.container, undefined, this.context);
      return;
    }
    const span = this.cache.get(spanId);
    if (span !== undefined) {
      // Re-inserted so the Map's order stays least recently used first.
      this.cache.delete(spanId);
      this.cache.set(spanId, span);
      this.render(span);
      return;
    }
    this.rendered = undefined;
    renderDetailsLoading(this.container);
    this.request(spanId);
  }

  /** A `span` reply. Replies for a row no longer selected are dropped: that span is asked again if reselected. */
  receive(span: Span): void {
    if (span.id !== this.wanted || span.id === this.rendered) {
      return;
    }
    this.cache.set(span.id, span);
    if (this.cache.size > CACHE_SIZE) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) {
        this.cache.delete(oldest);
      }
    }
    this.render(span);
  }

  private render(span: Span): void {
    this.rendered = span.id;
    renderDetails(this.container, span, this.context);
  }
}
