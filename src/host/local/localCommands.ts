import * as vscode from 'vscode';
import { COMMANDS } from '../commands/commandIds';
import type { CommandRunner } from '../commands/commandRunner';
import type { ContextKeys } from '../contextKeys';
import type { LocalTraceService } from './localTraceService';

/**
 * "Start Local Receivers", "Stop Local Receivers" and "Clear Local Traces". Start resolves once
 * the receivers listen (or the failure was reported), so tests and keybindings can await it.
 */
export function registerLocalCommands(runner: CommandRunner, local: LocalTraceService, contextKeys: ContextKeys): vscode.Disposable[] {
  contextKeys.set('serverlessLens.localRunning', local.isRunning);
  return [
    local.onDidChange(() => contextKeys.set('serverlessLens.localRunning', local.isRunning)),
    runner.register(COMMANDS.startLocalReceivers, async () => {
      await local.start();
      const status = local.status();
      if (status.running) {
        vscode.window.setStatusBarMessage(`$(radio-tower) Local receivers: UDP ${status.udp ?? 'off'}, OTLP ${status.otlp ?? 'off'}`, 5000);
      }
    }),
    runner.register(COMMANDS.stopLocalReceivers, () => local.stop()),
    runner.register(COMMANDS.clearLocalTraces, () => local.clear()),
  ];
}
