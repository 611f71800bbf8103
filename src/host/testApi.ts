import type { LocalReceiversSnapshot, ServerlessLensApi } from '../shared/extensionApi';
import type { LocalTraceService } from './local/localTraceService';
import type { TimelinePanels } from './timeline/timelinePanels';
import type { ServiceMapController } from './map/serviceMapController';
import type { TracesTreeProvider } from './traces/tracesTreeProvider';
import type { TailSessions } from './tail/tailSessions';
import type { TailStatusBar } from './tail/tailStatusBar';
import type { TailInsights } from './tail/inlineInsights';
import { toTailViewLine } from '../core/tailLines';

/** The optional services the test API reads besides the Traces view and the timelines. */
export interface ExtensionApiParts {
  local?: LocalTraceService;
}

/** What `activate()` returns: read-only views of the UI state for the extension's own tests. */
export function createExtensionApi(tree: TracesTreeProvider, panels: TimelinePanels, parts: ExtensionApiParts = {}): ServerlessLensApi {
  const { local } = parts;
  return {
    testing: {
      tracesSettled: () => tree.settled(),
      traceRows: () => tree.snapshot(),
      tracesState: () => tree.tracesState,
      openTimelines: () => panels.ids(),
      traceRowsBySource: () => tree.snapshotBySource(),
      localReceivers: () => localSnapshot(local),
      timeline: (traceId) => panels.snapshot(traceId),
      tracesRefreshes: () => tree.refreshCounts(),
    },
  };
}

function localSnapshot(local: LocalTraceService | undefined): LocalReceiversSnapshot {
  if (local === undefined) return { running: false, traceCount: 0 };
  const counters = local.counters();
  return { ...local.status(), traceCount: local.summaries().length, ...(counters !== undefined ? { counters } : {}) };
}

/** The log tail's parts the test API reads. */
export interface TailTestParts {
  tails: TailSessions;
  tailStatus: TailStatusBar;
}

/** Adds the log tail's snapshots (`tailLines`, `tailSessions`) to an API `createExtensionApi` built. */
export function withTailTestApi(api: ServerlessLensApi, tail: TailTestParts): ServerlessLensApi {
  api.testing.tailLines = () =>
    tail.tails.allLines().map(({ sessionId, line }) => {
      const view = toTailViewLine(line);
      return { sessionId, seq: line.seq, kind: line.parsed.kind, message: view.message, timestamp: line.timestamp, ...(line.functionName !== undefined ? { functionName: line.functionName } : {}), ...(view.requestId !== undefined ? { requestId: view.requestId } : {}), ...(line.receivedAt !== undefined ? { receivedAt: line.receivedAt } : {}) };
    });
  api.testing.tailSessions = () =>
    tail.tails.sessions().map((session) => {
      const status = session.status;
      const panel = tail.tails.panelOf(session.id);
      const statusBarText = tail.tailStatus.text;
      return {
        id: session.id,
        functions: session.targets.map((t) => t.functionName),
        logGroups: session.targets.map((t) => t.logGroupName),
        state: status.state,
        source: status.source,
        running: session.isRunning,
        ...(session.filterPattern !== undefined ? { filterPattern: session.filterPattern } : {}),
        viewReady: panel?.isReady ?? false,
        postedLines: panel?.postedLines ?? 0,
        ...(panel?.lastPostedAt !== undefined ? { lastPostedAt: panel.lastPostedAt } : {}),
        ...(statusBarText !== undefined ? { statusBarText } : {}),
      };
    });
  return api;
}

/** Adds the tail insights' snapshots (inline results, stack marks, alerts) to an API `createExtensionApi` built. */
export function withTailInsightsTestApi(api: ServerlessLensApi, insights: TailInsights): ServerlessLensApi {
  Object.assign(api.testing, insights.testing);
  return api;
}

/** The API of an extension whose activation failed: empty, so tests fail on assertions, not on TypeErrors. */
export function failedExtensionApi(): ServerlessLensApi {
  return {
    testing: {
      tracesSettled: () => Promise.resolve(),
      traceRows: () => [],
      tracesState: () => 'activationFailed',
      openTimelines: () => [],
      traceRowsBySource: () => ({ grouped: false, groups: [], local: [], aws: [] }),
      localReceivers: () => ({ running: false, traceCount: 0 }),
      timeline: () => undefined,
    },
  };
}

/** Adds the service map's snapshot, settle and message hand-in to an API `createExtensionApi` built. */
export function withServiceMapTestApi(api: ServerlessLensApi, map: ServiceMapController): ServerlessLensApi {
  api.testing.serviceMap = () => map.snapshot();
  api.testing.serviceMapSettled = () => map.settled();
  api.testing.serviceMapReceive = (message) => map.receive(message);
  return api;
}
