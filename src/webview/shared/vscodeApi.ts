/**
 * Typed access to VS Code's webview API, shared by every webview page. `acquireVsCodeApi` may be
 * called once per page, so this module calls it once and hands out the typed wrapper; each page
 * names its own message and state types.
 */

interface RawVsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): RawVsCodeApi;

export interface WebviewHost<ToHost, State = never> {
  post(message: ToHost): void;
  /** Whatever the page saved last; callers parse it strictly. */
  getState(): unknown;
  setState(state: State): void;
}

let raw: RawVsCodeApi | undefined;

export function webviewHost<ToHost, State = never>(): WebviewHost<ToHost, State> {
  raw ??= acquireVsCodeApi();
  const api = raw;
  return {
    post: (message) => api.postMessage(message),
    getState: () => api.getState(),
    setState: (state) => api.setState(state),
  };
}
