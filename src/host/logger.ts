import * as vscode from 'vscode';
import { Disposable } from './lifecycle';

/**
 * The one diagnostics channel of the extension (a `LogOutputChannel`, so the user picks the level
 * and VS Code adds timestamps). Components log through a tagged `ComponentLogger`; each message
 * is one call, fixed text first and the variable part last, so the log reads and greps well.
 * The channel is never shown on errors (that steals focus); messages offer "Show Logs" instead.
 * Callers must not pass credentials, signatures or session tokens: the AWS layer redacts its own.
 */
export class Logger extends Disposable {
  private readonly channel: vscode.LogOutputChannel;

  constructor(name = 'Serverless Lens') {
    super();
    this.channel = this._register(vscode.window.createOutputChannel(name, { log: true }));
  }

  /** A logger whose messages carry `[component]`; also satisfies the AWS layer's `AwsLogger`. */
  for(component: string): ComponentLogger {
    return new ComponentLogger(this.channel, component);
  }

  /** Reveals the channel without taking focus from the editor (only on the user's request). */
  show(): void {
    this.channel.show(true);
  }
}

/** Structurally an `AwsLogger` (`debug`/`info`/`warn`/`error` of one string). */
export class ComponentLogger {
  constructor(
    private readonly channel: vscode.LogOutputChannel,
    private readonly component: string,
  ) {}

  trace(message: string): void {
    this.channel.trace(this.tag(message));
  }

  debug(message: string): void {
    this.channel.debug(this.tag(message));
  }

  info(message: string): void {
    this.channel.info(this.tag(message));
  }

  warn(message: string): void {
    this.channel.warn(this.tag(message));
  }

  /** Logs `message`, then the error's own text (and its stack at debug level) when given. */
  error(message: string, error?: unknown): void {
    if (error === undefined) {
      this.channel.error(this.tag(message));
      return;
    }
    this.channel.error(this.tag(`${message}: ${describeError(error)}`));
    if (error instanceof Error && error.stack !== undefined) {
      this.channel.debug(this.tag(`stack of the error above: ${error.stack}`));
    }
  }

  private tag(message: string): string {
    // Some layers tag their own messages (`[aws] …`); do not tag them twice.
    return message.startsWith('[') ? message : `[${this.component}] ${message}`;
  }
}

/** One line naming an error: `Name: message`, for any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.name && !error.message.startsWith(error.name) ? `${error.name}: ${error.message}` : error.message;
  }
  if (typeof error === 'string') {
    return error;
  }
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
