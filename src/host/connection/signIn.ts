import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { COMMANDS } from '../commands/commandIds';
import type { ConnectionController } from './connectionController';
import type { ComponentLogger, Logger } from '../logger';

/**
 * Signing in: for SSO (IAM Identity Center) profiles, `aws sso login` in a terminal the user can
 * see (it opens a browser and may ask questions); when that terminal closes, the connection is
 * rebuilt so the SDK reads the new token. Other profiles cannot be signed into from here: the
 * message offers to choose another profile instead.
 */
export class SignIn extends Disposable {
  private readonly log: ComponentLogger;
  private terminal: vscode.Terminal | undefined;

  constructor(
    private readonly connections: ConnectionController,
    logger: Logger,
  ) {
    super();
    this.log = logger.for('signIn');
    this._register(
      vscode.window.onDidCloseTerminal((closed) => {
        if (closed === this.terminal) {
          this.terminal = undefined;
          this.log.info(`sign-in terminal closed with exit code ${closed.exitStatus?.code ?? 'unknown'}`);
          this.connections.reconnect('sign-in finished');
        }
      }),
    );
  }

  async signIn(): Promise<void> {
    const profile = await this.connections.profileInfo();
    if (!profile.isSso) {
      const message = profile.fromDefaultChain
        ? `The default credential chain (profile "${profile.name}") found no usable credentials, and it is not an SSO profile. Choose a profile, or set credentials in ~/.aws/credentials or the environment.`
        : `Profile "${profile.name}" is not an SSO profile, so it cannot sign in from here. Renew its credentials in ~/.aws/credentials, or choose another profile.`;
      void vscode.window.showWarningMessage(message, 'Choose Profile').then((choice) => {
        if (choice !== undefined) {
          void vscode.commands.executeCommand(COMMANDS.pickConnection);
        }
      });
      return;
    }
    this.terminal?.dispose();
    // The CLI runs as the terminal's process (no shell, so no quoting of the profile name); the
    // terminal closes when the login ends, which is the cue to reconnect.
    const terminal = vscode.window.createTerminal({
      name: `AWS SSO Login (${profile.name})`,
      shellPath: 'aws',
      shellArgs: ['sso', 'login', '--profile', profile.name],
      iconPath: new vscode.ThemeIcon('key'),
    });
    this.terminal = terminal;
    terminal.show();
    this.log.info(`sign-in started for profile ${profile.name}`);
  }
}
