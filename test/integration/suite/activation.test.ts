import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

import { activatedApi, extension } from './helpers';

interface ContributedCommand {
  command: string;
}

suite('Activation', () => {
  test('the extension activates and returns its test API', async () => {
    const api = await activatedApi();
    assert.ok(extension().isActive);
    assert.equal(typeof api.testing.tracesSettled, 'function');
    assert.equal(typeof api.testing.traceRows, 'function');
  });

  test('every command in package.json is registered', async () => {
    await activatedApi();
    const contributed = (extension().packageJSON as { contributes: { commands: ContributedCommand[] } }).contributes.commands.map((c) => c.command);
    assert.ok(contributed.length > 0);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `commands contributed but not registered: ${missing.join(', ')}`);
  });
});
