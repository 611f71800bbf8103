/**
 * Typed access to VS Code's webview API for the map page. `acquireVsCodeApi` may be called once
 * per page, so this module calls it once and hands out the typed wrapper.
 */
import type { MapToHostMessage, MapViewState } from '../../shared/mapMessages';

interface RawVsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): RawVsCodeApi;

export interface MapHost {
  post(message: MapToHostMessage): void;
  getState(): unknown;
  setState(state: MapViewState): void;
}

let instance: MapHost | undefined;

export function mapHost(): MapHost {
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
