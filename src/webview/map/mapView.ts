/**
 * The service map page once a graph arrived: the toolbar, the SVG map with zoom/pan, the legend,
 * the hover card and the side panel. Owns selection, search, grouping and the trace highlight;
 * posts typed messages and persists only UI state.
 */
import type { CollapseRule, HostToMapMessage, MapSelection, MapToHostMessage, MapViewState } from '../../shared/mapMessages';
import { MAP_NODE_HEIGHT, MAP_NODE_WIDTH } from '../../shared/mapMessages';
import type { GraphNode } from '../../shared/serviceGraphModel';
import { button, el } from '../timeline/dom';
import { renderGroupMenu } from './groupMenu';
import { renderLegend } from './legend';
import { exportSvgText, pngFromSvg } from './mapExport';
import { formatCount } from './mapFormat';
import { mapDefs } from './mapIcons';
import { buildMapModel, nearestInDirection, sameRule, searchNodes } from './mapModel';
import type { MapModel, VisibleNode } from './mapModel';
import { renderMap } from './mapRender';
import type { RenderedMap } from './mapRender';
import { renderSidePanel } from './sidePanel';
import { svgEl } from './svg';
import { Tooltip } from './tooltip';
import { Viewport } from './viewport';

type GraphMessage = Extract<HostToMapMessage, { type: 'graph' }>;
type HighlightMessage = Extract<HostToMapMessage, { type: 'highlight' }>;

export interface MapViewOptions {
  post(message: MapToHostMessage): void;
  persist(state: MapViewState): void;
}

const PAN_STEP = 80;
const ZOOM_STEP = 1.25;

export class MapView {
  readonly root: HTMLElement;
  private graph: GraphMessage['graph'];
  private layout: GraphMessage['layout'];
  private model!: MapModel;
  private rendered: RenderedMap | undefined;
  private rules: CollapseRule[] = [];
  private selected: MapSelection | undefined;
  private highlight: { traceId: string; nodeIds: string[]; edgeIds: string[] } | undefined;
  private matches: VisibleNode[] = [];
  private matchIndex = -1;
  private legendShown = true;
  private drag: { x: number; y: number; panX: number; panY: number; moved: boolean } | undefined;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly svg: SVGSVGElement;
  private readonly defs: SVGDefsElement;
  private readonly viewportLayer: SVGGElement;
  private readonly viewport: Viewport;
  private readonly tooltip: Tooltip;
  private readonly stats = el('span', { className: 'map-stats' });
  private readonly source = el('span', { className: 'map-dim map-source-label' });
  private readonly notes = el('div', { className: 'map-notes', attrs: { role: 'status' } });
  private readonly search = el('input', { className: 'map-input map-search', attrs: { type: 'search', placeholder: 'Find a service (Enter: next)', 'aria-label': 'Find a service on the map' } });
  private readonly matchCount = el('span', { className: 'map-dim map-match-count', attrs: { 'aria-live': 'polite' } });
  private readonly groupMenu = el('div', { className: 'map-menu', attrs: { hidden: '', role: 'dialog', 'aria-label': 'Group nodes' } });
  private readonly legendBox = el('div', { className: 'map-legend' });
  private readonly side = el('aside', { className: 'map-side', attrs: { 'aria-label': 'Selection details' } });
  private readonly live = el('div', { className: 'sr-only', attrs: { 'aria-live': 'polite' } });
  private readonly legendButton: HTMLButtonElement;
  private readonly groupButton: HTMLButtonElement;

  constructor(
    app: HTMLElement,
    message: GraphMessage,
    restore: MapViewState | undefined,
    private readonly options: MapViewOptions,
  ) {
    this.graph = message.graph;
    this.layout = message.layout;
    this.defs = mapDefs();
    this.viewportLayer = svgEl('g', { class: 'map-viewport' });
    this.svg = svgEl('svg', { class: 'map-svg', tabindex: 0, role: 'group', 'aria-roledescription': 'service map' }, [this.defs, this.viewportLayer]);
    this.viewport = new Viewport(this.svg, this.viewportLayer, () => this.schedulePersist());
    this.legendButton = button('Legend', 'map-tool', () => this.toggleLegend(), 'Show or hide the legend');
    this.groupButton = button('Group…', 'map-tool', () => this.toggleGroupMenu(), 'Group nodes by service type or name prefix');
    const stage = el('div', { className: 'map-stage' }, [this.svg, this.legendBox, this.groupMenu]);
    this.tooltip = new Tooltip(stage);
    this.legendBox.appendChild(renderLegend());
    this.root = el('div', { className: 'map-root' }, [this.toolbar(), this.notes, el('div', { className: 'map-main' }, [stage, this.side]), this.live]);
    app.replaceChildren(this.root);
    this.listen();
    this.applyRestore(restore);
    this.setGraph(message, restore === undefined || restore.zoom === undefined);
  }

  /** A refreshed graph: same viewport, selection kept when it still exists. */
  update(message: GraphMessage): void {
    this.graph = message.graph;
    this.layout = message.layout;
    this.setGraph(message, false);
  }

  applyHighlight(message: HighlightMessage): void {
    this.highlight = message.traceId === undefined ? undefined : { traceId: message.traceId, nodeIds: message.nodeIds, edgeIds: message.edgeIds };
    this.paintHighlight();
  }

  viewState(): MapViewState {
    const state: MapViewState = { zoom: this.viewport.zoom, panX: this.viewport.panX, panY: this.viewport.panY, collapsed: [...this.rules], legend: this.legendShown };
    if (this.selected) state.selected = this.selected;
    if (this.search.value !== '') state.search = this.search.value;
    return state;
  }

  dispose(): void {
    this.viewport.dispose();
    if (this.persistTimer !== undefined) clearTimeout(this.persistTimer);
  }

  /** Keys that work anywhere on the page except in text fields. */
  handleGlobalKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement | null;
    const typing = target instanceof HTMLInputElement;
    if ((event.key === 'f' && (event.ctrlKey || event.metaKey)) || (event.key === '/' && !typing)) {
      event.preventDefault();
      this.search.focus();
      this.search.select();
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    switch (event.key) {
      case '+':
      case '=':
        this.viewport.zoomBy(ZOOM_STEP);
        break;
      case '-':
      case '_':
        this.viewport.zoomBy(1 / ZOOM_STEP);
        break;
      case 'f':
      case 'F':
        this.fit();
        break;
      case 'Escape':
        if (!this.groupMenu.hidden) this.toggleGroupMenu();
        else this.select(undefined, true);
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  private toolbar(): HTMLElement {
    const tools = el('div', { className: 'map-tools', attrs: { role: 'toolbar', 'aria-label': 'Map tools' } }, [
      this.search,
      this.matchCount,
      button('−', 'map-tool', () => this.viewport.zoomBy(1 / ZOOM_STEP), 'Zoom out (-)'),
      button('+', 'map-tool', () => this.viewport.zoomBy(ZOOM_STEP), 'Zoom in (+)'),
      button('Fit', 'map-tool', () => this.fit(), 'Fit the map to the window (F)'),
      this.groupButton,
      this.legendButton,
      button('Export SVG', 'map-tool', () => void this.export('svg'), 'Export the map as an SVG file'),
      button('Export PNG', 'map-tool', () => void this.export('png'), 'Export the map as a PNG image'),
    ]);
    return el('header', { className: 'map-header' }, [el('h1', { className: 'map-title', text: 'Service map' }), this.source, this.stats, tools]);
  }

  private listen(): void {
    this.svg.addEventListener('pointerdown', (event) => this.onPointerDown(event));
    this.svg.addEventListener('pointermove', (event) => this.onPointerMove(event));
    this.svg.addEventListener('pointerup', (event) => this.onPointerUp(event));
    this.svg.addEventListener('pointerleave', () => this.tooltip.hide());
    this.svg.addEventListener('click', (event) => this.onClick(event));
    this.svg.addEventListener('dblclick', (event) => this.onDoubleClick(event));
    this.svg.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
    this.svg.addEventListener('keydown', (event) => this.onMapKey(event));
    this.svg.addEventListener('focusin', (event) => this.onFocus(event));
    this.search.addEventListener('input', () => this.runSearch());
    this.search.addEventListener('keydown', (event) => this.onSearchKey(event));
  }

  private applyRestore(restore: MapViewState | undefined): void {
    if (!restore) return;
    this.rules = restore.collapsed ?? [];
    this.selected = restore.selected;
    this.search.value = restore.search ?? '';
    this.legendShown = restore.legend ?? true;
    if (restore.zoom !== undefined) this.viewport.set(restore.zoom, restore.panX ?? 0, restore.panY ?? 0);
  }

  private setGraph(message: GraphMessage, fit: boolean): void {
    this.source.textContent = message.sourceLabel;
    this.notes.replaceChildren(...message.notes.map((note) => el('p', { className: 'map-note', text: note })));
    this.rebuild();
    if (fit) this.fit();
    this.viewport.flush();
  }

  private rebuild(): void {
    this.model = buildMapModel(this.graph, this.layout, this.rules);
    this.rendered = renderMap(this.model);
    this.viewportLayer.replaceChildren(this.rendered.content);
    const { nodes, edges } = this.model;
    this.stats.textContent = `${formatCount(nodes.length)} services · ${formatCount(edges.length)} calls · ${formatCount(this.graph.traceCount)} traces`;
    this.svg.setAttribute('aria-label', `Service map: ${nodes.length} services and ${edges.length} calls. Tab moves through the services, arrow keys move between neighbours, Enter selects; + and - zoom, F fits.`);
    if (this.selected && !this.exists(this.selected)) this.selected = undefined;
    this.paintSelection();
    this.paintHighlight();
    this.runSearch(false);
    this.legendBox.hidden = !this.legendShown;
    this.legendButton.setAttribute('aria-pressed', String(this.legendShown));
    this.renderSide();
    if (!this.groupMenu.hidden) this.renderGroupMenu();
  }

  private exists(selection: MapSelection): boolean {
    return selection.kind === 'node' ? this.model.byId.has(selection.id) : this.model.edgeById.has(selection.id);
  }

  private elementsOf(selection: MapSelection | undefined): SVGGElement[] {
    if (!selection || !this.rendered) return [];
    if (selection.kind === 'node') {
      const node = this.rendered.nodeEls.get(selection.id);
      return node ? [node] : [];
    }
    return this.rendered.edgeEls.get(selection.id) ?? [];
  }

  private select(selection: MapSelection | undefined, post: boolean): void {
    for (const element of this.elementsOf(this.selected)) {
      element.classList.remove('selected');
      element.setAttribute('aria-pressed', 'false');
    }
    this.selected = selection && this.exists(selection) ? selection : undefined;
    this.paintSelection();
    this.renderSide();
    if (post) this.options.post(this.selected ? { type: 'select', selection: this.selected } : { type: 'select' });
    this.schedulePersist();
  }

  private paintSelection(): void {
    for (const element of this.elementsOf(this.selected)) {
      element.classList.add('selected');
      element.setAttribute('aria-pressed', 'true');
    }
  }

  private renderSide(): void {
    renderSidePanel(this.side, this.model, this.selected, this.graph.traceCount, {
      post: (message) => this.options.post(message),
      collapse: (rule) => this.collapse(rule),
      expand: (rule) => this.expand(rule),
    });
  }

  private paintHighlight(): void {
    if (!this.rendered) return;
    for (const element of this.root.querySelectorAll('.on-path')) element.classList.remove('on-path');
    const highlight = this.highlight;
    this.svg.classList.toggle('has-path', highlight !== undefined);
    this.root.querySelector('.map-path-note')?.remove();
    if (!highlight) return;
    for (const id of highlight.nodeIds) {
      const visible = this.model.visibleOf.get(id);
      if (visible !== undefined) this.rendered.nodeEls.get(visible)?.classList.add('on-path');
    }
    const wanted = new Set(highlight.edgeIds);
    for (const edge of this.model.edges) {
      if (edge.members.some((member) => wanted.has(member.id))) {
        for (const element of this.rendered.edgeEls.get(edge.id) ?? []) element.classList.add('on-path');
      }
    }
    const clear = button('Clear', 'map-button map-secondary', () => this.applyHighlight({ type: 'highlight', nodeIds: [], edgeIds: [] }));
    this.notes.appendChild(el('p', { className: 'map-note map-path-note' }, [el('span', { text: `Showing the path of trace ${highlight.traceId}. ` }), clear]));
  }

  private collapse(rule: CollapseRule): void {
    if (!this.rules.some((r) => sameRule(r, rule))) this.rules = [...this.rules, rule];
    this.rebuild();
    this.live.textContent = `Grouped ${rule.kind === 'type' ? rule.value : `${rule.value}…`}`;
    this.schedulePersist();
  }

  private expand(rule: CollapseRule): void {
    this.rules = this.rules.filter((r) => !sameRule(r, rule));
    if (this.selected?.id.startsWith('group:')) this.selected = undefined;
    this.rebuild();
    this.live.textContent = 'Group expanded';
    this.schedulePersist();
  }

  private toggleGroupMenu(): void {
    this.groupMenu.hidden = !this.groupMenu.hidden;
    this.groupButton.setAttribute('aria-expanded', String(!this.groupMenu.hidden));
    if (!this.groupMenu.hidden) {
      this.renderGroupMenu();
      (this.groupMenu.querySelector('button, input') as HTMLElement | null)?.focus();
    }
  }

  private renderGroupMenu(): void {
    renderGroupMenu(this.groupMenu, this.graph.nodes as GraphNode[], this.rules, { collapse: (rule) => this.collapse(rule), expand: (rule) => this.expand(rule) });
  }

  private toggleLegend(): void {
    this.legendShown = !this.legendShown;
    this.legendBox.hidden = !this.legendShown;
    this.legendButton.setAttribute('aria-pressed', String(this.legendShown));
    this.schedulePersist();
  }

  private fit(): void {
    this.viewport.fit(this.model.bounds, MAP_NODE_WIDTH, MAP_NODE_HEIGHT);
  }

  private centerOnNode(node: VisibleNode): void {
    this.viewport.centerOn(node.x + MAP_NODE_WIDTH / 2, node.y + MAP_NODE_HEIGHT / 2, 0.6);
  }

  /** The node or edge under an event target. */
  private itemOf(target: EventTarget | null): MapSelection | undefined {
    const element = target instanceof Element ? target.closest('[data-id]') : null;
    const id = element?.getAttribute('data-id');
    if (!element || id === null || id === undefined) return undefined;
    return { kind: element.hasAttribute('data-edge') ? 'edge' : 'node', id };
  }

  private onPointerDown(event: PointerEvent): void {
    if (event.button !== 0 || this.itemOf(event.target)) return;
    this.drag = { x: event.clientX, y: event.clientY, panX: this.viewport.panX, panY: this.viewport.panY, moved: false };
    this.svg.setPointerCapture(event.pointerId);
    this.svg.classList.add('dragging');
  }

  private onPointerMove(event: PointerEvent): void {
    const drag = this.drag;
    if (drag) {
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      this.viewport.set(this.viewport.zoom, drag.panX + dx, drag.panY + dy);
      return;
    }
    const item = this.itemOf(event.target);
    if (item) this.tooltip.show(this.model, item.kind, item.id, event.clientX, event.clientY);
    else this.tooltip.hide();
  }

  private onPointerUp(event: PointerEvent): void {
    if (!this.drag) return;
    const moved = this.drag.moved;
    this.drag = undefined;
    this.svg.classList.remove('dragging');
    if (this.svg.hasPointerCapture(event.pointerId)) this.svg.releasePointerCapture(event.pointerId);
    // A click on the background (no drag) clears the selection.
    if (!moved) this.select(undefined, true);
  }

  private onClick(event: MouseEvent): void {
    const item = this.itemOf(event.target);
    if (item) this.select(item, true);
  }

  private onDoubleClick(event: MouseEvent): void {
    const item = this.itemOf(event.target);
    if (item?.kind === 'node') {
      const node = this.model.byId.get(item.id);
      const ids = node?.group ? node.group.members.map((m) => m.id) : [item.id];
      this.options.post({ type: 'filterByNode', nodeIds: ids });
    } else if (item?.kind === 'edge') {
      const edge = this.model.edgeById.get(item.id);
      if (edge && edge.failingTraceIds.length > 0) this.options.post({ type: 'edgeFailures', edgeIds: edge.members.map((m) => m.id) });
    }
  }

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const rect = (this.svg.parentElement ?? this.svg).getBoundingClientRect();
    const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
    this.viewport.zoomBy(Math.exp(-delta * 0.0015), event.clientX - rect.left, event.clientY - rect.top, true);
  }

  private onMapKey(event: KeyboardEvent): void {
    const arrows: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const direction = arrows[event.key];
    const item = this.itemOf(event.target);
    if (direction && item?.kind === 'node') {
      const from = this.model.byId.get(item.id);
      const next = from ? nearestInDirection(this.model, from, direction[0], direction[1]) : undefined;
      if (next) this.rendered?.nodeEls.get(next.id)?.focus();
    } else if (direction && event.target === this.svg) {
      this.viewport.panBy(-direction[0] * PAN_STEP, -direction[1] * PAN_STEP);
    } else if ((event.key === 'Enter' || event.key === ' ') && item) {
      this.select(item, true);
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  /** Keeps the focused node on screen. */
  private onFocus(event: FocusEvent): void {
    const item = this.itemOf(event.target);
    const node = item?.kind === 'node' ? this.model.byId.get(item.id) : undefined;
    if (node && !this.viewport.isVisible(node.x + MAP_NODE_WIDTH / 2, node.y + MAP_NODE_HEIGHT / 2)) this.centerOnNode(node);
  }

  private runSearch(announce = true): void {
    if (!this.rendered) return;
    for (const element of this.root.querySelectorAll('.match, .current-match')) element.classList.remove('match', 'current-match');
    this.matches = searchNodes(this.model, this.search.value);
    this.matchIndex = -1;
    this.svg.classList.toggle('searching', this.search.value.trim() !== '');
    for (const node of this.matches) this.rendered.nodeEls.get(node.id)?.classList.add('match');
    const text = this.search.value.trim() === '' ? '' : this.matches.length === 0 ? 'No match' : `${this.matches.length} match${this.matches.length === 1 ? '' : 'es'}`;
    this.matchCount.textContent = text;
    if (announce) this.schedulePersist();
  }

  private onSearchKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      this.search.value = '';
      this.runSearch();
      this.svg.focus();
    } else if (event.key === 'Enter' && this.matches.length > 0) {
      const step = event.shiftKey ? -1 : 1;
      this.matchIndex = (this.matchIndex + step + this.matches.length) % this.matches.length;
      const node = this.matches[this.matchIndex] as VisibleNode;
      for (const element of this.root.querySelectorAll('.current-match')) element.classList.remove('current-match');
      this.rendered?.nodeEls.get(node.id)?.classList.add('current-match');
      this.matchCount.textContent = `${this.matchIndex + 1} of ${this.matches.length}`;
      this.centerOnNode(node);
      this.select({ kind: 'node', id: node.id }, true);
    } else {
      return;
    }
    event.preventDefault();
  }

  private async export(format: 'svg' | 'png'): Promise<void> {
    this.live.textContent = `Exporting ${format.toUpperCase()}…`;
    try {
      const legend = this.legendShown ? (this.legendBox.querySelector('svg') ?? undefined) : undefined;
      const background = getComputedStyle(document.body).backgroundColor;
      const { text, width, height } = exportSvgText({ defs: this.defs, content: this.rendered?.content ?? svgEl('g'), legend, bounds: this.model.bounds, background, title: `Service map · ${this.source.textContent ?? ''}` });
      const data = format === 'svg' ? text : await pngFromSvg(text, width, height);
      this.options.post({ type: 'export', format, data });
      this.live.textContent = `${format.toUpperCase()} ready`;
    } catch (error) {
      this.live.textContent = `Export failed: ${String(error)}`;
    }
  }

  private schedulePersist(): void {
    if (this.persistTimer !== undefined) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      this.options.persist(this.viewState());
    }, 200);
  }
}
