/**
 * What a live tail leaves in the editor, end to end: the real tail (StartLiveTail over the SDK's
 * event stream from the local endpoint) of the source-app function whose handler the project
 * index knows; events pushed through the endpoint's test control; the inline result at the
 * handler line, the mark at the line a tailed stack points to, and alert notifications whose
 * actions open the trace, the source line and the tail line.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

import { ENV_SOURCE_APP, TEST_REGION } from '../testEnv';
import type { SourceAppExpectations, SourceTraceExpectation } from '../testEnv';
import type { ServerlessLensTestApi } from '../../../src/shared/extensionApi';
import { TAIL_VIEW_TYPE } from '../../../src/shared/tailMessages';
import { activatedApi, primaryUrl, setSetting, waitFor } from './helpers';

/** The CJS function of the source app: its template names it `${AWS::StackName}-create-order`. */
const FUNCTION = 'orders-source-create-order';
const GROUP = `/aws/lambda/${FUNCTION}`;
const QUIET_SECONDS = 3;
const BURST = 25;

interface EmitEvent {
  message: string;
  timestamp?: number;
}

type InsightsApi = Required<Pick<ServerlessLensTestApi, 'inlineResults' | 'stackMarks' | 'alertNotifications' | 'runAlertAction' | 'openTimelines'>>;

/** The test API with the tail insights' methods, which the extension adds once the tail exists. */
function insightsApi(testing: ServerlessLensTestApi): InsightsApi {
  const { inlineResults, stackMarks, alertNotifications, runAlertAction, openTimelines } = testing;
  assert.ok(inlineResults && stackMarks && alertNotifications && runAlertAction, 'the test API has the tail insights');
  return { inlineResults, stackMarks, alertNotifications, runAlertAction, openTimelines };
}

function sourceApp(): SourceAppExpectations | undefined {
  const text = process.env[ENV_SOURCE_APP];
  return text ? (JSON.parse(text) as SourceAppExpectations) : undefined;
}

/** The 1-based line of the first line matching `pattern`, read from the file. */
function lineOf(file: string, pattern: RegExp): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((line) => pattern.test(line));
  assert.ok(index >= 0, `${pattern} in ${file}`);
  return index + 1;
}

/** Makes the function known to the endpoint's GetFunctionConfiguration (where the tail finds its log group). */
async function registerFunction(): Promise<void> {
  const response = await fetch(`${primaryUrl()}/__test/lambda/functions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ [FUNCTION]: { Timeout: 10, MemorySize: 256, Runtime: 'nodejs20.x' } }) });
  assert.equal(response.status, 200, await response.text());
}

async function emit(events: EmitEvent[]): Promise<number> {
  const response = await fetch(`${primaryUrl()}/__test/liveTail/emit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ logGroupIdentifier: GROUP, events }) });
  const body = (await response.json()) as { delivered?: number; message?: string };
  assert.equal(response.status, 200, body.message);
  return body.delivered ?? 0;
}

/** The first events wait for the tail's stream to be open at the endpoint (nothing is queued before). */
async function emitOnceOpen(events: EmitEvent[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await emit(events)) === 0) {
    assert.ok(Date.now() < deadline, `no open Live Tail session of ${GROUP} at the endpoint`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function report(requestId: string, durationMs: number, usedMb: number, traceId?: string): string {
  const xray = traceId !== undefined ? `XRAY TraceId: ${traceId}\tSegmentId: 0123456789abcdef\tSampled: true\t` : '';
  return `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.ceil(durationMs)} ms\tMemory Size: 256 MB\tMax Memory Used: ${usedMb} MB\t${xray}\n`;
}

/** The Node runtime's line for a failed invocation, around the app's real stack. */
function invokeError(requestId: string, stack: string): { line: string; type: string; message: string } {
  const first = stack.split('\n')[0] ?? '';
  const colon = first.indexOf(': ');
  const type = colon > 0 ? first.slice(0, colon) : 'Error';
  const message = colon > 0 ? first.slice(colon + 2) : first;
  const payload = { errorType: type, errorMessage: message, stack: stack.split('\n') };
  return { line: `${new Date().toISOString()}\t${requestId}\tERROR\tInvoke Error \t${JSON.stringify(payload)}\n`, type, message };
}

suite('Tail insights (inline results, stack marks, alerts)', function () {
  let api: InsightsApi;
  let app: SourceAppExpectations;
  let appDir: string;
  let handlerFile: string;
  let handlerLine: number;
  let sessionId: string | undefined;

  suiteSetup(async function () {
    const found = sourceApp();
    // runElectron.ts does not build the fixture app; the code-server lane does.
    if (!found) this.skip();
    app = found;
    api = insightsApi((await activatedApi()).testing);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace is open');
    appDir = join(folder.uri.fsPath, app.folder);
    handlerFile = join(appDir, 'src/handlers/createOrder.ts');
    handlerLine = lineOf(handlerFile, /^export async function handler\(/);
    if (vscode.workspace.getConfiguration('serverlessLens').get('aws.endpointUrl') !== primaryUrl()) {
      await setSetting('serverlessLens.aws.endpointUrl', primaryUrl());
      await setSetting('serverlessLens.aws.region', TEST_REGION);
    }
    await registerFunction();
    await setSetting('serverlessLens.alerts.rules', [{ pattern: 'Invoke Error|Task timed out', name: 'errors', functions: ['orders-source-*'] }]);
    await setSetting('serverlessLens.alerts.quietSeconds', QUIET_SECONDS);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(handlerFile), { preview: false });
    const session = (await vscode.commands.executeCommand('serverlessLens.tailFunctionLogs', { functionNames: [FUNCTION] })) as { id?: string } | undefined;
    sessionId = session?.id;
    assert.ok(sessionId, 'the tail started');
  });

  suiteTeardown(async () => {
    if (sessionId !== undefined) await vscode.commands.executeCommand('serverlessLens.stopTail', sessionId);
    await setSetting('serverlessLens.alerts.rules', undefined);
    await setSetting('serverlessLens.alerts.quietSeconds', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  function expectation(): SourceTraceExpectation {
    const found = app.traces[0];
    assert.ok(found, 'the CJS source trace');
    return found;
  }

  function resultAtHandler(accept: (text: string) => boolean): string | undefined {
    return api.inlineResults().find((item) => item.file === handlerFile && item.line === handlerLine && accept(item.text))?.text;
  }

  test('a finished invocation shows its result after the handler line, and the age moves on', async () => {
    await emitOnceOpen([{ message: 'START RequestId: tail-ok-1 Version: $LATEST\n' }, { message: report('tail-ok-1', 182.4, 96) }]);
    const text = await waitFor('the ✓ result at the handler', () => resultAtHandler((shown) => shown.startsWith('✓')));
    assert.match(text, /^✓ 182 ms · 96\/256 MB · \d+ s ago$/);
    assert.equal(api.alertNotifications().length, 0, 'an ok invocation raises no alert');
    // The age refreshes while the editor is visible.
    await waitFor('the age to change', () => resultAtHandler((shown) => shown !== text && /^✓ 182 ms · 96\/256 MB · \d+ s ago$/.test(shown)), 5000);
  });

  test('a burst of failures: ✗ at the handler, a mark at the line that threw, ONE alert with working actions, one count', async () => {
    const expected = expectation();
    const failure = invokeError('tail-err-1', app.clipboardStack);
    assert.equal(failure.type, expected.errorType);
    const burst: EmitEvent[] = [];
    for (let i = 0; i < BURST - 1; i++) burst.push({ message: invokeError(`tail-burst-${i}`, app.clipboardStack).line });
    await emit([
      { message: 'START RequestId: tail-err-1 Version: $LATEST\n' },
      { message: failure.line },
      { message: 'END RequestId: tail-err-1\n' },
      { message: report('tail-err-1', 40.1, 97, expected.traceId) },
      ...burst,
    ]);

    const text = await waitFor('the ✗ result at the handler', () => resultAtHandler((shown) => shown.startsWith('✗')));
    assert.ok(text.startsWith(`✗ ${failure.type}: ${failure.message.slice(0, 40)}`), text);
    assert.match(text, / · \d+ s ago$/);

    const markLine = lineOf(join(appDir, expected.file), new RegExp(`// @throws:${expected.marker}\\b`));
    const markFile = join(appDir, expected.file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(markFile), { viewColumn: vscode.ViewColumn.Beside, preview: false });
    const mark = await waitFor('the stack mark at the line that threw', () => api.stackMarks().find((item) => item.file === markFile && item.line === markLine));
    assert.match(mark.text, new RegExp(`^✗ ${failure.type}: .* · \\d+ s ago$`));

    // One alert for the whole burst, at once; its actions were decided when it was raised.
    const alert = await waitFor('the alert', () => api.alertNotifications()[0]);
    assert.ok(alert.message.startsWith(`Alert 'errors': ${FUNCTION}: `), alert.message);
    assert.ok(alert.message.includes('Invoke Error'), alert.message);
    assert.deepEqual(alert.actions, ['Open Log Line', 'Open Trace', 'Go to Source']);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(api.alertNotifications().length, 1, `one notification for ${BURST} matching lines within the quiet window`);

    // The rest of the burst is one follow-up with the count when the quiet window closes.
    const followUp = await waitFor('the follow-up count', () => api.alertNotifications()[1], (QUIET_SECONDS + 3) * 1000);
    assert.equal(followUp.message, `${BURST - 1} more matches of 'errors' in ${FUNCTION} in the last ${QUIET_SECONDS} s`);
    await new Promise((resolve) => setTimeout(resolve, (QUIET_SECONDS + 1) * 1000));
    assert.equal(api.alertNotifications().length, 2, 'a storm raises the alert and one count, nothing more');

    await api.runAlertAction(0, 'Open Trace');
    await waitFor('the trace to open', () => (api.openTimelines().includes(expected.traceId) ? true : undefined), 15_000);

    await api.runAlertAction(0, 'Go to Source');
    const editor = await waitFor('the editor on the line that threw', () => (vscode.window.activeTextEditor?.document.uri.fsPath === markFile ? vscode.window.activeTextEditor : undefined));
    assert.equal(editor.selection.active.line + 1, markLine);

    // Open Log Line brings the tail view to the front (it selects the line there).
    await api.runAlertAction(0, 'Open Log Line');
    await waitFor('the tail view in front', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      // The workbench prefixes extension webview types (`mainThreadWebview-<viewType>`).
      return input instanceof vscode.TabInputWebview && input.viewType.endsWith(TAIL_VIEW_TYPE) ? true : undefined;
    });
  });

  test('stopping the tail clears the inline result and the marks', async () => {
    assert.ok(api.inlineResults().length > 0, 'a result is shown before');
    await vscode.commands.executeCommand('serverlessLens.stopTail', sessionId);
    await waitFor('the results and marks to clear', () => (api.inlineResults().length === 0 && api.stackMarks().length === 0 ? true : undefined));
  });
});
