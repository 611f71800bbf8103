/**
 * What `activate()` returns. Only the extension's own tests use it: it lets the extension-host
 * suite read what the views show without scraping the workbench DOM.
 */
export interface TraceRowSnapshot {
  id: string;
  label: string;
  description: string;
  status: 'ok' | 'error' | 'fault' | 'throttle';
  coldStart: boolean;
}

export interface ServerlessLensTestApi {
  /** Resolves when the Traces view's current load (and its background trace fetch) has settled. */
  tracesSettled(): Promise<void>;
  /** The Traces view rows as shown, newest first (trace rows only, not "Load more"). */
  traceRows(): TraceRowSnapshot[];
  /** Value of the `serverlessLens.tracesState` context key. */
  tracesState(): string;
  /** Trace ids of the open timeline panels. */
  openTimelines(): string[];
}

export interface ServerlessLensApi {
  readonly testing: ServerlessLensTestApi;
}
