import { COMMANDS } from './commandIds';
import type * as vscode from 'vscode';
import type { CommandRunner } from './commandRunner';
import type { ConnectionPicker } from '../connection/connectionPicker';
import type { SignIn } from '../connection/signIn';
import type { Logger } from '../logger';

/** Profile, region, sign-in and logs. */
export function registerConnectionCommands(runner: CommandRunner, picker: ConnectionPicker, signIn: SignIn, logger: Logger): vscode.Disposable[] {
  return [
    runner.register(COMMANDS.pickConnection, () => picker.pickConnection()),
    runner.register(COMMANDS.pickProfile, () => picker.pickProfile()),
    runner.register(COMMANDS.pickRegion, () => picker.pickRegion()),
    runner.register(COMMANDS.signIn, () => signIn.signIn()),
    runner.register(COMMANDS.showLogs, () => logger.show()),
  ];
}
