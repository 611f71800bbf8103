import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import type { ServerlessLensApi } from '../../../src/shared/extensionApi';
import { TIMELINE_VIEW_TYPE } from '../../../src/shared/timelineMessages';
import { activatedApi, expectations, waitFor } from './helpers';

/** `1-5759e988-bd862e3fe1be46a994272793` → `5759e988bd862e3fe1be46a994272793` (the W3C trace id). */
function toW3c(xrayId: string): string {
  return xrayId.slice(2).replace('-', '');
}

function timelineTabs(): vscode.Tab[] {
  // The workbench prefixes extension webview types (`mainThreadWebview-<viewType>`).
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(TIMELINE_VIEW_TYPE));
}

async function closeAllEditors(): Promise<void> {
  // A command that asked for input instead of failing would leave its quick input open.
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Runs the command but never waits more than a few seconds: a command that prompts would hang the suite. */
async function openTrace(argument: string): Promise<void> {
  await Promise.race([
    vscode.commands.executeCommand('serverlessLens.openTrace', argument),
    new Promise((resolve) => setTimeout(resolve, 5000)),
  ]);
}

suite('Open trace by id', () => {
  let api: ServerlessLensApi;
  let traceId: string;

  suiteSetup(async () => {
    api = await activatedApi();
    const fault = expectations().primary.traces.find((t) => t.status === 'fault');
    assert.ok(fault, 'the sample set has a fault trace');
    traceId = fault.id;
  });

  setup(closeAllEditors);
  suiteTeardown(closeAllEditors);

  const forms: [string, () => string][] = [
    ['the X-Ray form', () => traceId],
    ['the W3C form', () => toW3c(traceId)],
    ['a whole X-Amzn-Trace-Id header', () => `Root=${traceId};Parent=53995c3f42cd8ad8;Sampled=1`],
  ];
  for (const [name, argument] of forms) {
    test(`an id in ${name} opens the timeline panel`, async () => {
      await openTrace(argument());
      await waitFor(`a timeline for ${traceId}`, () => (api.testing.openTimelines().includes(traceId) ? true : undefined));
      const tab = await waitFor('a timeline webview tab', () => timelineTabs()[0]);
      // Titles may shorten the id ("Trace 1-6b028e68-…6c1143d2"): whatever parts are shown must be the id's.
      const fragments = tab.label.match(/[0-9a-f]{4,}/g) ?? [];
      assert.ok(tab.label.includes(traceId.slice(0, 10)) && fragments.every((part) => traceId.includes(part)), `tab title "${tab.label}" names the trace ${traceId}`);
    });
  }

  test('an invalid id opens no panel', async () => {
    await openTrace('not-a-trace-id');
    // Give a wrongly opened panel time to appear before concluding there is none.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(api.testing.openTimelines(), []);
    assert.equal(timelineTabs().length, 0);
  });
});
