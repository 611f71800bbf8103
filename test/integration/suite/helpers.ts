/**
 * What the extension-host tests share: the extension's test API, the expectations the runner
 * passed through the environment, and polling for things the workbench does asynchronously.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import type { ServerlessLensApi, TraceRowSnapshot } from '../../../src/shared/extensionApi';
import { ENV_EXPECTATIONS, ENV_XRAY_URL, ENV_XRAY_URL_ALT } from '../testEnv';
import type { SuiteExpectations } from '../testEnv';

/** `publisher.name` from package.json. */
export const EXTENSION_ID = 'serverless-lens.serverless-lens';

export function extension(): vscode.Extension<ServerlessLensApi> {
  const found = vscode.extensions.getExtension<ServerlessLensApi>(EXTENSION_ID);
  assert.ok(found, `extension ${EXTENSION_ID} is not loaded`);
  return found;
}

export async function activatedApi(): Promise<ServerlessLensApi> {
  const api = await extension().activate();
  assert.ok(api && typeof api.testing === 'object', 'activate() did not return the test API');
  return api;
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  assert.ok(value, `${name} is not set: run the suite through runCodeServer.ts or runElectron.ts`);
  return value;
}

export function expectations(): SuiteExpectations {
  return JSON.parse(requiredEnv(ENV_EXPECTATIONS)) as SuiteExpectations;
}

export function primaryUrl(): string {
  return requiredEnv(ENV_XRAY_URL);
}

export function alternateUrl(): string {
  return requiredEnv(ENV_XRAY_URL_ALT);
}

/** Polls until `probe` returns a value other than undefined, or fails with the last description. */
export async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Settles the Traces view until `accept` holds for its rows: a configuration or query change
 * reaches the extension as an event some time after the command or update() returns, so one
 * settle is not enough. Returns the rows; fails with what was last seen.
 */
export async function settleUntil(api: ServerlessLensApi, what: string, accept: (rows: TraceRowSnapshot[]) => boolean, timeoutMs = 20_000): Promise<TraceRowSnapshot[]> {
  const deadline = Date.now() + timeoutMs;
  let rows: TraceRowSnapshot[] = [];
  for (;;) {
    await api.testing.tracesSettled();
    rows = api.testing.traceRows();
    if (accept(rows)) {
      return rows;
    }
    if (Date.now() > deadline) {
      assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}; state ${api.testing.tracesState()}, ${rows.length} rows: ${rows.slice(0, 5).map((r) => r.id).join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function sameIds(rows: readonly TraceRowSnapshot[], ids: readonly string[]): boolean {
  return rows.length === ids.length && rows.every((row, i) => row.id === ids[i]);
}

/** Shows the Traces view: a hidden view defers its loads until it is shown. */
export async function showTracesView(): Promise<void> {
  await vscode.commands.executeCommand('serverlessLens.traces.focus');
}

/** Sets a workspace-folder setting (where the runner put the connection) and lets listeners run. */
export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration().update(key, value, vscode.ConfigurationTarget.Workspace);
}
