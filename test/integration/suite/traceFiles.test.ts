import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

import { parseTraceFile } from '../../../src/core/traceFiles/traceFileParser';
import { buildFileTrace } from '../../../src/core/traceFiles/fileTraceBuilder';
import type { ServerlessLensApi, TraceFileSnapshot } from '../../../src/shared/extensionApi';
import { activatedApi, expectations, extension, waitFor } from './helpers';

const VIEW_TYPE = 'serverlessLens.traceFile';
const LAMBDA = 'awsdocs-xray-BatchGetTraces-scorekeep-with-lambda.json';
const LAMBDA_TRACE = '1-59602603-23fc5b688855d396af79b496';
const CLI = 'awscli-example-batch-get-traces-scorekeep.json';
const CLI_TRACE = '1-5d82881a-0a9126e92a73e971eed891b9';
const GRAFANA = 'grafana-xray-datasource-trace-parsed-documents-dynamodb-error-nodejs-stack.json';
const GRAFANA_TRACE = '1-5ee20a4a-bab71b6bbc0660dba2adab3e';

function fixture(name: string): string {
  return readFileSync(join(extension().extensionPath, 'test', 'fixtures', 'trace-files', name), 'utf8');
}

function workFolder(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite runs with a workspace folder');
  return vscode.Uri.joinPath(folder.uri, '.trace-files-test');
}

async function writeFile(name: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workFolder(), name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/** Runs a command but never waits more than a few seconds: a command that prompts would hang the suite. */
async function run<T>(command: string, ...args: unknown[]): Promise<T | undefined> {
  return Promise.race([
    vscode.commands.executeCommand<T>(command, ...args),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000)),
  ]);
}

function editorOf(api: ServerlessLensApi, uri: vscode.Uri): TraceFileSnapshot | undefined {
  return api.testing.traceFiles?.().find((item) => item.uri === uri.toString());
}

/** Waits until the Trace File editor of `uri` has sent `traceId` to its timeline. */
function shown(api: ServerlessLensApi, uri: vscode.Uri, traceId: string, timeoutMs = 15_000): Promise<TraceFileSnapshot> {
  return waitFor(`${uri.path} showing ${traceId}`, () => {
    const editor = editorOf(api, uri);
    return editor?.loaded === true && editor.traceId === traceId ? editor : undefined;
  }, timeoutMs);
}

function traceFileTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs).filter((tab) => tab.input instanceof vscode.TabInputCustom && tab.input.viewType === VIEW_TYPE);
}

async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** What a file reads back as: the trace ids and span counts, built by the same model code. */
function readBack(text: string): { format: string | undefined; traces: [string, number][] } {
  const parsed = parseTraceFile(text);
  return { format: parsed.format, traces: parsed.traces.map((file) => { const trace = buildFileTrace(file, parsed); return [trace.id, trace.spans.length]; }) };
}

suite('Trace files', () => {
  let api: ServerlessLensApi;

  suiteSetup(async () => {
    api = await activatedApi();
    assert.ok(api.testing.traceFiles, 'the test API lists trace-file editors');
    await vscode.workspace.fs.createDirectory(workFolder());
  });

  setup(closeAllEditors);
  suiteTeardown(async () => {
    await closeAllEditors();
    await vscode.workspace.fs.delete(workFolder(), { recursive: true, useTrash: false });
  });

  test('"Open Trace File…" with a URI shows the trace in the Trace File editor', async () => {
    const uri = await writeFile('saved-response.json', fixture(LAMBDA));
    await run('serverlessLens.openTraceFile', uri);
    const editor = await shown(api, uri, LAMBDA_TRACE);
    assert.equal(editor.format, 'batchGetTraces');
    assert.equal(editor.spans, 11);
    assert.equal(editor.problems, 0);
    const tab = await waitFor('a Trace File tab', () => traceFileTabs()[0]);
    assert.equal((tab.input as vscode.TabInputCustom).uri.toString(), uri.toString());
  });

  test('"Reopen With…" the trace editor: vscode.openWith reads the file by content', async () => {
    const uri = await writeFile('from-grafana.json', fixture(GRAFANA));
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    const editor = await shown(api, uri, GRAFANA_TRACE);
    assert.equal(editor.spans, 3);
    // The same file given as NDJSON of segment documents (any name) opens the same trace.
    const documents = (JSON.parse(fixture(GRAFANA)) as { Segments: { Document: unknown }[] }).Segments.map((segment) => JSON.stringify(segment.Document));
    const lines = await writeFile('segments.ndjson', `${documents.join('\n')}\n`);
    await vscode.commands.executeCommand('vscode.openWith', lines, VIEW_TYPE);
    const fromLines = await shown(api, lines, GRAFANA_TRACE);
    assert.equal(fromLines.format, 'segmentDocuments');
    assert.equal(fromLines.spans, 3);
  });

  test('the editor follows the file when it changes on disk', async () => {
    const uri = await writeFile('changing.json', fixture(LAMBDA));
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    await shown(api, uri, LAMBDA_TRACE);
    await writeFile('changing.json', fixture(CLI));
    const editor = await shown(api, uri, CLI_TRACE);
    assert.equal(editor.spans, 3);
  });

  test('a file that is not a trace opens no editor, and the editor says why when forced', async () => {
    const uri = await writeFile('summaries.json', fixture('awsdocs-xray-GetTraceSummaries-scorekeep.json'));
    await run('serverlessLens.openTraceFile', uri);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(editorOf(api, uri), undefined);
    assert.equal(traceFileTabs().length, 0);
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    const editor = await waitFor('the forced editor', () => editorOf(api, uri));
    assert.equal(editor.traceCount, 0);
    assert.equal(editor.loaded, false);
  });

  test('a malformed file imports what it can and counts its problems', async () => {
    const uri = await writeFile('broken.json', fixture('awsdocs-xray-ec2-http-segment.MALFORMED-trailing-comma-unclosed.json'));
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    const editor = await shown(api, uri, '1-5880168b-fd5158284b67678a3bb5a78c');
    assert.equal(editor.spans, 1);
    assert.equal(editor.problems, 2);
  });

  test('Export Trace writes each format, and each file opens back as the same trace', async () => {
    const uri = await writeFile('to-export.json', fixture(LAMBDA));
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    await shown(api, uri, LAMBDA_TRACE);
    for (const format of ['batchGetTraces', 'segmentDocuments', 'otlpJson']) {
      const target = vscode.Uri.joinPath(workFolder(), `exported.${format}.json`);
      const written = await run<vscode.Uri>('serverlessLens.exportTrace', LAMBDA_TRACE, { format, target });
      assert.equal(written?.toString(), target.toString(), `${format}: the command returns the file it wrote`);
      assert.deepEqual(readBack(await readText(target)), { format, traces: [[LAMBDA_TRACE, 11]] }, format);
      await vscode.commands.executeCommand('vscode.openWith', target, VIEW_TYPE);
      const reopened = await shown(api, target, LAMBDA_TRACE);
      assert.equal(reopened.spans, 11, `${format} reopened`);
    }
  });

  test('Export Trace from an AWS timeline writes the documents X-Ray returned', async () => {
    const fault = expectations().primary.traces.find((trace) => trace.status === 'fault');
    assert.ok(fault, 'the sample set has a fault trace');
    await run('serverlessLens.openTrace', fault.id);
    await waitFor(`the timeline of ${fault.id}`, () => (api.testing.timeline(fault.id)?.loaded === true ? true : undefined), 20_000);
    const target = vscode.Uri.joinPath(workFolder(), 'aws-export.json');
    // No id: the active timeline's trace is exported.
    const written = await run<vscode.Uri>('serverlessLens.exportTrace', undefined, { format: 'batchGetTraces', target });
    assert.equal(written?.toString(), target.toString());
    const back = readBack(await readText(target));
    assert.equal(back.format, 'batchGetTraces');
    assert.equal(back.traces[0]?.[0], fault.id);
    assert.ok((back.traces[0]?.[1] ?? 0) > 0, 'the exported trace has its spans');
  });
});
