import * as vscode from 'vscode';

/** Values of `serverlessLens.tracesState`; `viewsWelcome` and menus in package.json key on them. */
export type TracesState = 'idle' | 'loading' | 'ready' | 'noCredentials' | 'empty' | 'emptyFiltered' | 'error';

export interface ContextKeyValues {
  'serverlessLens.tracesState': TracesState;
  'serverlessLens.errorsOnly': boolean;
  'serverlessLens.hasFilter': boolean;
  'serverlessLens.profileLabel': string;
  /** The local receivers are listening (the Traces view menu offers Stop instead of Start). */
  'serverlessLens.localRunning': boolean;
}

/**
 * Sets `when`-clause context keys, skipping writes of an unchanged value (each `setContext` is a
 * round trip to the renderer) and keeping the last value readable by the test API.
 */
export class ContextKeys {
  private readonly values = new Map<keyof ContextKeyValues, ContextKeyValues[keyof ContextKeyValues]>();

  set<K extends keyof ContextKeyValues>(key: K, value: ContextKeyValues[K]): void {
    if (this.values.get(key) === value) {
      return;
    }
    this.values.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  get<K extends keyof ContextKeyValues>(key: K): ContextKeyValues[K] | undefined {
    return this.values.get(key) as ContextKeyValues[K] | undefined;
  }
}
