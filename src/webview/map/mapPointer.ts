/**
 * Mouse, pen and touch on the map: drag the background to pan (previewed on the compositor and
 * committed on release, see viewport.ts), wheel to zoom about the pointer, hover for the card,
 * click to select, double-click a node to filter the Traces view to it (or an edge to list its
 * failing traces). A click on the background without a drag clears the selection.
 */
import type { MapSelection, MapToHostMessage } from '../../shared/mapMessages';
import type { MapModel } from './mapModel';
import type { Tooltip } from './tooltip';
import type { Viewport } from './viewport';

/** A press that moves less than this (px, |dx| + |dy|) is a click, not a drag. */
const DRAG_THRESHOLD = 3;

/** What the pointer handling needs from the map page. */
export interface MapPointerHost {
  readonly svg: SVGSVGElement;
  readonly viewport: Viewport;
  readonly tooltip: Tooltip;
  model(): MapModel;
  /** Selects (undefined: clears) and tells the host. */
  select(selection: MapSelection | undefined): void;
  post(message: MapToHostMessage): void;
}

/** The node or edge under an event target (`data-id`; edges also carry `data-edge`). */
export function itemOf(target: EventTarget | null): MapSelection | undefined {
  const element = target instanceof Element ? target.closest('[data-id]') : null;
  const id = element?.getAttribute('data-id');
  if (!element || id === null || id === undefined) return undefined;
  return { kind: element.hasAttribute('data-edge') ? 'edge' : 'node', id };
}

export class MapPointer {
  private drag: { x: number; y: number; panX: number; panY: number; moved: boolean } | undefined;

  constructor(private readonly host: MapPointerHost) {
    const { svg } = host;
    svg.addEventListener('pointerdown', (event) => this.onPointerDown(event));
    svg.addEventListener('pointermove', (event) => this.onPointerMove(event));
    svg.addEventListener('pointerup', (event) => this.onPointerUp(event));
    svg.addEventListener('pointercancel', (event) => this.onPointerUp(event, true));
    svg.addEventListener('pointerleave', () => host.tooltip.hide());
    svg.addEventListener('click', (event) => this.onClick(event));
    svg.addEventListener('dblclick', (event) => this.onDoubleClick(event));
    svg.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
  }

  private onPointerDown(event: PointerEvent): void {
    if (event.button !== 0 || itemOf(event.target)) return;
    const { svg, viewport } = this.host;
    this.drag = { x: event.clientX, y: event.clientY, panX: viewport.panX, panY: viewport.panY, moved: false };
    svg.setPointerCapture(event.pointerId);
    svg.classList.add('dragging');
    this.host.tooltip.hide();
  }

  private onPointerMove(event: PointerEvent): void {
    const drag = this.drag;
    const { viewport, tooltip } = this.host;
    if (drag) {
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > DRAG_THRESHOLD) drag.moved = true;
      // Transient: the compositor moves the painted map until the drag ends.
      viewport.set(viewport.zoom, drag.panX + dx, drag.panY + dy, true);
      return;
    }
    const item = itemOf(event.target);
    if (item) tooltip.show(this.host.model(), item.kind, item.id, event.clientX, event.clientY);
    else tooltip.hide();
  }

  private onPointerUp(event: PointerEvent, cancelled = false): void {
    if (!this.drag) return;
    const moved = this.drag.moved;
    this.drag = undefined;
    const { svg, viewport } = this.host;
    svg.classList.remove('dragging');
    if (svg.hasPointerCapture(event.pointerId)) svg.releasePointerCapture(event.pointerId);
    viewport.flush();
    // A click on the background (no drag) clears the selection.
    if (!moved && !cancelled) this.host.select(undefined);
  }

  private onClick(event: MouseEvent): void {
    const item = itemOf(event.target);
    if (item) this.host.select(item);
  }

  private onDoubleClick(event: MouseEvent): void {
    const item = itemOf(event.target);
    const model = this.host.model();
    if (item?.kind === 'node') {
      const node = model.byId.get(item.id);
      const ids = node?.group ? node.group.members.map((m) => m.id) : [item.id];
      this.host.post({ type: 'filterByNode', nodeIds: ids });
    } else if (item?.kind === 'edge') {
      const edge = model.edgeById.get(item.id);
      if (edge && edge.failingTraceIds.length > 0) this.host.post({ type: 'edgeFailures', edgeIds: edge.members.map((m) => m.id) });
    }
  }

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const rect = (this.host.svg.parentElement ?? this.host.svg).getBoundingClientRect();
    const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
    this.host.viewport.zoomBy(Math.exp(-delta * 0.0015), event.clientX - rect.left, event.clientY - rect.top, true);
  }
}
