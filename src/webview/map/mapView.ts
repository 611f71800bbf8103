/**
 * The service map page once a graph arrived: the toolbar (scope, search, zoom, group, legend,
 * export), the SVG map with zoom/pan, the legend, the hover card and the side panel. Owns
 * selection, search, grouping, the scope choice and the trace highlight; posts typed messages and
 * persists only UI state. Pointer input is `mapPointer.ts`; zoom and pan are `viewport.ts`.
 */
import type { CollapseRule, HostToMapMessage, MapScope, MapScopeInfo, MapSelection, MapToHostMessage, MapViewState } from '../../shared/mapMessages';
import { MAP_NODE_HEIGHT, MAP_NODE_WIDTH } from '../../shared/mapMessages';
import type { GraphNode } from '../../shared/serviceGraphModel';
import { button, el } from '../timeline/dom';
import { renderGroupMenu } from './groupMenu';
import { LEGEND_HEIGHT, renderLegend } from './legend';
import { exportSvgText, pngFromSvg } from './mapExport';
import { formatCount } from './mapFormat';
import { mapDefs } from './mapIcons';
import { buildMapModel, nearestInDirection, sameRule } from './mapModel';
import type { MapModel, VisibleNode } from './mapModel';
import { itemOf, MapPointer } from './mapPointer';
import { renderMap } from './mapRender';
import { MapSearch } from './mapSearch';
import type { RenderedMap } from './mapRender';
import { SCOPE_LABEL, ScopeControl } from './scopeControl';
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
  private legendShown = true;
  /** The scope chosen (persisted); the host's `scope` info says what is drawn. */
  private scope: MapScope = 'all';
  private scopeInfo: MapScopeInfo | undefined;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly svg: SVGSVGElement;
  private readonly viewport: Viewport;
  private readonly tooltip: Tooltip;
  private readonly pointer: MapPointer;
  private readonly search: MapSearch;
  private readonly defs: SVGDefsElement;
  private readonly viewportLayer: SVGGElement;
  private readonly scopeControl = new ScopeControl((scope) => this.chooseScope(scope));
  private readonly stats = el('span', { className: 'map-stats' });
  private readonly source = el('span', { className: 'map-dim map-source-label' });
  private readonly notes = el('div', { className: 'map-notes', attrs: { role: 'status' } });
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
    this.search = new MapSearch({
      svg: this.svg,
      model: () => this.model,
      rendered: () => this.rendered,
      goTo: (node) => {
        this.centerOnNode(node);
        this.select({ kind: 'node', id: node.id }, true);
      },
      changed: () => this.schedulePersist(),
    });
    this.legendButton = button('Legend', 'map-tool', () => this.toggleLegend(), 'Show or hide the legend');
    this.groupButton = button('Group…', 'map-tool', () => this.toggleGroupMenu(), 'Group nodes by service type or name prefix');
    const stage = el('div', { className: 'map-stage' }, [this.svg, this.legendBox, this.groupMenu]);
    this.tooltip = new Tooltip(stage);
    this.legendBox.appendChild(renderLegend());
    this.root = el('div', { className: 'map-root' }, [this.toolbar(), this.notes, el('div', { className: 'map-main' }, [stage, this.side]), this.live]);
    app.replaceChildren(this.root);
    // The stage is measured now, before the map is in it: drawing the map forces no layout.
    this.viewport.attach();
    this.pointer = new MapPointer({ svg: this.svg, viewport: this.viewport, tooltip: this.tooltip, model: () => this.model, select: (selection) => this.select(selection, true), post: (message) => this.options.post(message) });
    this.listen();
    this.applyRestore(restore);
    this.scopeInfo = message.scope;
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
    const state: MapViewState = { zoom: this.viewport.zoom, panX: this.viewport.panX, panY: this.viewport.panY, collapsed: [...this.rules], legend: this.legendShown, scope: this.scope };
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
      this.scopeControl.element,
      this.search.input,
      this.search.matchCount,
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
    this.svg.addEventListener('keydown', (event) => this.onMapKey(event));
    this.svg.addEventListener('focusin', (event) => this.onFocus(event));
  }

  private applyRestore(restore: MapViewState | undefined): void {
    if (!restore) return;
    this.rules = restore.collapsed ?? [];
    this.selected = restore.selected;
    this.search.value = restore.search ?? '';
    this.legendShown = restore.legend ?? true;
    this.scope = restore.scope ?? 'all';
    if (restore.zoom !== undefined) this.viewport.set(restore.zoom, restore.panX ?? 0, restore.panY ?? 0);
  }

  private setGraph(message: GraphMessage, fit: boolean): void {
    this.source.textContent = message.sourceLabel;
    // Another scope drawn is another map: show all of it.
    const rescoped = (message.scope?.scope ?? 'all') !== (this.scopeInfo?.scope ?? 'all');
    this.scopeInfo = message.scope;
    if (message.scope !== undefined) this.scope = message.scope.scope;
    this.scopeControl.update(message.scope);
    this.notes.replaceChildren(...message.notes.map((note) => el('p', { className: 'map-note', text: note })));
    this.rebuild();
    if (fit || rescoped) this.fit();
    this.viewport.flush();
  }

  private rebuild(): void {
    this.model = buildMapModel(this.graph, this.layout, this.rules);
    this.rendered = renderMap(this.model);
    this.viewportLayer.replaceChildren(this.rendered.content);
    const { nodes, edges } = this.model;
    // What is drawn: "12 traces · Local · 8 services · 9 calls".
    const traces = `${formatCount(this.graph.traceCount)} trace${this.graph.traceCount === 1 ? '' : 's'}`;
    const scope = this.scopeInfo !== undefined ? ` · ${SCOPE_LABEL[this.scopeInfo.scope]}` : '';
    this.stats.textContent = `${traces}${scope} · ${formatCount(nodes.length)} services · ${formatCount(edges.length)} calls`;
    this.svg.setAttribute('aria-label', `Service map: ${nodes.length} services and ${edges.length} calls. Tab moves through the services, arrow keys move between neighbours, Enter selects; + and - zoom, F fits.`);
    if (this.selected && !this.exists(this.selected)) this.selected = undefined;
    this.paintSelection();
    this.paintHighlight();
    this.search.run(false);
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
    const drawn = highlight.nodeIds.some((id) => this.model.visibleOf.has(id));
    const text = drawn ? `Showing the path of trace ${highlight.traceId}. ` : `Trace ${highlight.traceId} has no service on this map${this.scopeInfo !== undefined ? ` (drawn: ${SCOPE_LABEL[this.scopeInfo.scope]})` : ''}. `;
    this.notes.appendChild(el('p', { className: 'map-note map-path-note' }, [el('span', { text }), clear]));
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
    // The legend floats over the bottom-left corner: fit the map above it while it is shown.
    this.viewport.fit(this.model.bounds, MAP_NODE_WIDTH, MAP_NODE_HEIGHT, this.legendShown ? LEGEND_HEIGHT + 20 : 0);
  }

  private centerOnNode(node: VisibleNode): void {
    this.viewport.centerOn(node.x + MAP_NODE_WIDTH / 2, node.y + MAP_NODE_HEIGHT / 2, 0.6);
  }

  private onMapKey(event: KeyboardEvent): void {
    const arrows: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const direction = arrows[event.key];
    const item = itemOf(event.target);
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
    const item = itemOf(event.target);
    const node = item?.kind === 'node' ? this.model.byId.get(item.id) : undefined;
    if (node && !this.viewport.isVisible(node.x + MAP_NODE_WIDTH / 2, node.y + MAP_NODE_HEIGHT / 2)) this.centerOnNode(node);
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

  /** The scope control: redraw with the Local traces, the AWS ones or all (the host rebuilds the graph). */
  private chooseScope(scope: MapScope): void {
    this.scope = scope;
    this.live.textContent = `Drawing ${scope === 'all' ? 'all listed traces' : `the ${SCOPE_LABEL[scope]} traces`}…`;
    this.options.post({ type: 'scope', scope });
    this.schedulePersist();
  }

  private schedulePersist(): void {
    if (this.persistTimer !== undefined) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      this.options.persist(this.viewState());
    }, 200);
  }
}
