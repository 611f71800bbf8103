/**
 * The service map webview protocol, described once and used by both sides.
 *
 * Order of events: the host creates the panel and waits; the webview posts `ready` once its
 * script runs; only then does the host post `loading` / `empty` / `error` / `graph`. A `graph`
 * carries the `ServiceGraph` as it is (plain data) and the node positions the host laid out (ELK,
 * off the UI thread, stable across refreshes); the webview draws edges between those boxes
 * itself. Every message the host receives goes through `parseMapToHost` first: the webview is an
 * untrusted boundary, and ids it sends are looked up again in the graph the host holds.
 */
import type { ServiceGraph } from './serviceGraphModel';
import type { ServiceType } from './traceModel';
import { SERVICE_TYPES } from './timelineRows';

/** The panel's webview type, also used by the serializer that restores it after a reload. */
export const SERVICE_MAP_VIEW_TYPE = 'serverlessLens.serviceMap';

/** Size of a node box in map units; the layout and the renderer both use it. */
export const MAP_NODE_WIDTH = 232;
export const MAP_NODE_HEIGHT = 88;

/** Where one node sits (top-left corner, map units). */
export interface MapNodePosition {
  id: string;
  x: number;
  y: number;
}

export interface MapLayout {
  positions: MapNodePosition[];
  /** Bounds of every box, for "fit". */
  width: number;
  height: number;
}

/** A group of nodes drawn as one: every node of a service type, or every name with a prefix. */
export type CollapseRule = { kind: 'type'; value: ServiceType } | { kind: 'prefix'; value: string };

export type MapSelection = { kind: 'node' | 'edge'; id: string };

/** Which listed traces the map draws when the Traces view lists Local and AWS traces side by side. */
export type MapScope = 'all' | 'local' | 'aws';

export const MAP_SCOPES: readonly MapScope[] = ['all', 'local', 'aws'];

/**
 * Sent with a graph only while the Traces view shows both a Local and an AWS group: the scope
 * drawn, and how many listed traces each side has (the page shows the scope control then).
 */
export interface MapScopeInfo {
  scope: MapScope;
  local: number;
  aws: number;
}

/**
 * The only state the webview persists with `setState` (UI state, never graph data): the
 * serializer revives the panel with it and the host sends it back with the first graph.
 */
export interface MapViewState {
  zoom?: number;
  panX?: number;
  panY?: number;
  selected?: MapSelection;
  search?: string;
  collapsed?: CollapseRule[];
  legend?: boolean;
  /** The scope chosen with the scope control (kept even while the control is not shown). */
  scope?: MapScope;
}

export type HostToMapMessage =
  | { type: 'loading'; message: string }
  /** No traces listed: `rangeLabel` names the range, and the page offers to widen it. */
  | { type: 'empty'; message: string; rangeLabel: string }
  | { type: 'error'; message: string; canRetry: boolean }
  | {
      type: 'graph';
      graph: ServiceGraph;
      layout: MapLayout;
      /** `AWS · default (us-east-1) · Last 15 min` */
      sourceLabel: string;
      /** Said above the map, e.g. that GetServiceGraph failed and the numbers are from traces only. */
      notes: string[];
      /** UI state to restore (after a reload), sent with the first graph only. */
      restore?: MapViewState;
      /** Present while the Traces view lists both Local and AWS traces. */
      scope?: MapScopeInfo;
    }
  /** The path of a trace to highlight; `traceId` undefined clears it. */
  | { type: 'highlight'; traceId?: string; nodeIds: string[]; edgeIds: string[] };

export type ExportFormat = 'svg' | 'png';

export type MapToHostMessage =
  | { type: 'ready' }
  | { type: 'retry' }
  /** The empty state's "Widen Time Range…" button. */
  | { type: 'widenRange' }
  /** Selection changed (click or Enter); undefined clears it. */
  | { type: 'select'; selection?: MapSelection }
  /** Filter the Traces view to traces through these nodes (one node, or the members of a group). */
  | { type: 'filterByNode'; nodeIds: string[] }
  /** Lambda nodes: open the handler found by the project index. */
  | { type: 'goToHandler'; nodeId: string }
  /** Lambda nodes: `serverlessLens.tailFunctionLogs`. */
  | { type: 'tailLogs'; nodeId: string }
  /** List the failing traces of an edge (or of the edges a grouped edge stands for) in a quick pick. */
  | { type: 'edgeFailures'; edgeIds: string[] }
  /** `data`: SVG text, or a PNG as base64 (no `data:` prefix). The host asks where to save it. */
  | { type: 'export'; format: ExportFormat; data: string }
  /** The scope control: draw the Local traces, the AWS ones, or all of them. */
  | { type: 'scope'; scope: MapScope };

/** Ids are `${type}:${name}` built from trace data; anything longer is not one of ours. */
export const MAX_MAP_ID = 2_000;
/** An exported SVG of 500 nodes is a few MB; a PNG of a large map up to tens of MB in base64. */
export const MAX_EXPORT_CHARS = 64 * 1024 * 1024;

/** A group stands for at most this many nodes or edges in one message. */
export const MAX_MAP_IDS = 1_000;

export function isMapScope(value: unknown): value is MapScope {
  return value === 'all' || value === 'local' || value === 'aws';
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.length <= MAX_MAP_ID;
}

function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.length <= MAX_MAP_IDS && value.every(isId);
}

function parseSelect(message: Record<string, unknown>): MapToHostMessage | undefined {
  const selection = message.selection;
  if (selection === undefined || selection === null) {
    return { type: 'select' };
  }
  if (typeof selection !== 'object') {
    return undefined;
  }
  const { kind, id } = selection as Record<string, unknown>;
  return (kind === 'node' || kind === 'edge') && isId(id) ? { type: 'select', selection: { kind, id } } : undefined;
}

function parseExport(message: Record<string, unknown>): MapToHostMessage | undefined {
  const { format, data } = message;
  if (typeof data !== 'string' || data.length === 0 || data.length > MAX_EXPORT_CHARS) {
    return undefined;
  }
  if (format === 'svg') {
    // The page serializes an <svg> root; anything else is not an export of ours.
    return /^(<\?xml[^>]*>\s*)?<svg[\s>]/.test(data) ? { type: 'export', format, data } : undefined;
  }
  if (format === 'png') {
    return /^[A-Za-z0-9+/]+={0,2}$/.test(data) ? { type: 'export', format, data } : undefined;
  }
  return undefined;
}

/**
 * Validates a message from the map webview. Returns `undefined` for anything that is not exactly
 * one of the known shapes, so the host can drop it (and log it) without further checks.
 */
export function parseMapToHost(raw: unknown): MapToHostMessage | undefined {
  if (typeof raw !== 'object' || raw === null) {
    return undefined;
  }
  const message = raw as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
    case 'retry':
    case 'widenRange':
      return { type: message.type };
    case 'select':
      return parseSelect(message);
    case 'filterByNode':
      return isIdList(message.nodeIds) ? { type: 'filterByNode', nodeIds: [...message.nodeIds] } : undefined;
    case 'goToHandler':
    case 'tailLogs':
      return isId(message.nodeId) ? { type: message.type, nodeId: message.nodeId } : undefined;
    case 'edgeFailures':
      return isIdList(message.edgeIds) ? { type: 'edgeFailures', edgeIds: [...message.edgeIds] } : undefined;
    case 'export':
      return parseExport(message);
    case 'scope':
      return isMapScope(message.scope) ? { type: 'scope', scope: message.scope } : undefined;
    default:
      return undefined;
  }
}

/** The wire list of `timelineRows.ts` is the one complete list (checked at compile time). */
const SERVICE_TYPE_SET: ReadonlySet<string> = new Set<string>(SERVICE_TYPES);

export function isServiceType(value: unknown): value is ServiceType {
  return typeof value === 'string' && SERVICE_TYPE_SET.has(value);
}

function parseCollapseRule(raw: unknown): CollapseRule | undefined {
  if (typeof raw !== 'object' || raw === null) {
    return undefined;
  }
  const { kind, value } = raw as Record<string, unknown>;
  if (kind === 'type' && isServiceType(value)) {
    return { kind, value };
  }
  if (kind === 'prefix' && typeof value === 'string' && value !== '' && value.length <= 200) {
    return { kind, value };
  }
  return undefined;
}

function finite(value: unknown, min: number, max: number): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : undefined;
}

/** Validates a persisted view state handed back by VS Code (serializer) or read by the page. */
export function parseMapViewState(raw: unknown): MapViewState | undefined {
  if (typeof raw !== 'object' || raw === null) {
    return undefined;
  }
  const state = raw as Record<string, unknown>;
  const result: MapViewState = {};
  const zoom = finite(state.zoom, 0.02, 8);
  const panX = finite(state.panX, -1e7, 1e7);
  const panY = finite(state.panY, -1e7, 1e7);
  if (zoom !== undefined) result.zoom = zoom;
  if (panX !== undefined) result.panX = panX;
  if (panY !== undefined) result.panY = panY;
  const selection = parseSelect({ selection: state.selected });
  if (selection?.type === 'select' && selection.selection !== undefined) result.selected = selection.selection;
  if (typeof state.search === 'string' && state.search.length <= 500) result.search = state.search;
  if (Array.isArray(state.collapsed)) {
    result.collapsed = state.collapsed
      .slice(0, 100)
      .map(parseCollapseRule)
      .filter((rule): rule is CollapseRule => rule !== undefined);
  }
  if (typeof state.legend === 'boolean') result.legend = state.legend;
  if (isMapScope(state.scope)) result.scope = state.scope;
  return result;
}
