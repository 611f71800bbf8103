import * as vscode from 'vscode';
import { loadAwsErrors } from '../connection/awsModules';
import { COMMANDS } from './commandIds';
import type { ConnectionController } from '../connection/connectionController';
import type { ComponentLogger, Logger } from '../logger';

/** A failure whose message is already written for the user (bad input, nothing selected). */
export class UserFacingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserFacingError';
  }
}

const SHOW_LOGS = 'Show Logs';
const SIGN_IN = 'Sign In';
const CHOOSE_PROFILE = 'Choose Profile';
const RETRY = 'Retry';
const CHECK_ENDPOINT = 'Check Endpoint/Region';

type Handler = (...args: unknown[]) => unknown;

interface Action {
  title: string;
  run: () => unknown;
}

/**
 * Every command goes through here: it catches, logs, classifies AWS errors once and shows a
 * message that says what to do, with buttons that do it. Messages are never awaited for their
 * answer inside the command, so a command finishes without waiting for the user to dismiss them.
 */
export class CommandRunner {
  private readonly log: ComponentLogger;

  constructor(
    private readonly logger: Logger,
    private readonly connections: ConnectionController,
  ) {
    this.log = logger.for('commands');
  }

  register(id: string, handler: Handler): vscode.Disposable {
    return vscode.commands.registerCommand(id, (...args: unknown[]) => this.run(id, handler, args));
  }

  /** Runs `handler`, reporting its failure; resolves (never rejects) once it settled. */
  async run(id: string, handler: Handler, args: unknown[]): Promise<unknown> {
    try {
      return await handler(...args);
    } catch (error) {
      await this.report(error, { commandId: id, retry: () => void this.run(id, handler, args) });
      return undefined;
    }
  }

  /** Logs `error` and shows the message that fits it (also used outside commands). */
  async report(error: unknown, context: { commandId?: string; operation?: string; retry?: () => void }): Promise<void> {
    const what = context.commandId ?? context.operation ?? 'operation';
    if (error instanceof UserFacingError) {
      this.log.info(`${what}: ${error.message}`);
      this.notify('warning', error.message, []);
      return;
    }
    const { classifyAwsError } = await loadAwsErrors();
    const profile = await this.connections.profileInfo().catch(() => undefined);
    const classified = classifyAwsError(error, {
      ...(context.operation !== undefined ? { operation: context.operation } : {}),
      ...(profile !== undefined ? { profile: profile.name, isSsoProfile: profile.isSso } : {}),
    });
    if (classified.kind === 'cancelled') {
      this.log.debug(`${what} cancelled`);
      return;
    }
    this.log.error(`${what} failed (${classified.kind})`, error);
    let message = classified.message;
    if (classified.missingAction !== undefined && !message.includes(classified.missingAction)) {
      message += ` The IAM policy must allow ${classified.missingAction}.`;
    }
    this.notify('error', message, this.actionsFor(classified.kind, profile?.isSso === true, context.retry));
  }

  private actionsFor(kind: string, isSso: boolean, retry: (() => void) | undefined): Action[] {
    const showLogs: Action = { title: SHOW_LOGS, run: () => this.logger.show() };
    const chooseProfile: Action = { title: CHOOSE_PROFILE, run: () => vscode.commands.executeCommand(COMMANDS.pickConnection) };
    switch (kind) {
      case 'expiredCredentials':
      case 'missingCredentials':
        return isSso ? [{ title: SIGN_IN, run: () => vscode.commands.executeCommand(COMMANDS.signIn) }, chooseProfile] : [chooseProfile, showLogs];
      case 'throttled':
        return retry !== undefined ? [{ title: RETRY, run: retry }, showLogs] : [showLogs];
      case 'network':
        return [{ title: CHECK_ENDPOINT, run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'serverlessLens.aws') }, showLogs];
      default:
        return [showLogs];
    }
  }

  /** Shows a message and runs the chosen action later; the caller does not wait for the user. */
  private notify(severity: 'error' | 'warning', message: string, actions: Action[]): void {
    const show = severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    void show(
      message,
      ...actions.map((action) => action.title),
    ).then((choice) => {
      const action = actions.find((candidate) => candidate.title === choice);
      if (action !== undefined) {
        void Promise.resolve(action.run()).catch((error: unknown) => this.log.error(`action ${action.title} failed`, error));
      }
    });
  }
}
