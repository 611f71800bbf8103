/**
 * Typed access to VS Code's webview API. `acquireVsCodeApi` may be called once per page, so
 * this module calls it once and hands out the typed wrapper.
 */
import type { TimelineToHostMessage, TimelineViewState } from '../../shared/timelineMessages';

interface RawVsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): RawVsCodeApi;

export interface TimelineHost {
  post(message: TimelineToHostMessage): void;
  getState(): unknown;
  setState(state: TimelineViewState): void;
}

let instance: TimelineHost | undefined;

export function timelineHost(): TimelineHost {
  if (!instance) {
    const raw = acquireVsCodeApi();
    instance = {
      post: (message) => raw.postMessage(message),
      getState: () => raw.getState(),
      setState: (state) => raw.setState(state),
    };
  }
  return instance;
}
