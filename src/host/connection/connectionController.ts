import * as vscode from 'vscode';
import { Disposable, MutableDisposable } from '../lifecycle';
import { AwsConnection, describeConnection } from './awsConnection';
import { loadAwsProfiles } from './awsModules';
import type { Config, ConnectionConfig } from '../config';
import type { ComponentLogger, Logger } from '../logger';

export interface ProfileInfo {
  /** The profile the SDK uses: the setting, or the default chain's (`AWS_PROFILE` or `default`). */
  name: string;
  /** True when the profile is not named in the settings (the SDK's default chain picks it). */
  fromDefaultChain: boolean;
  isSso: boolean;
}

/**
 * Holds the current `AwsConnection` and replaces it when `serverlessLens.aws.*` changes or
 * credentials were renewed. The connection is opened lazily, on the first request for data, so
 * activating the extension makes no AWS call and loads no SDK.
 */
export class ConnectionController extends Disposable {
  private readonly current = this._register(new MutableDisposable<AwsConnection>());
  private opening: Promise<AwsConnection> | undefined;
  // Bumped by every reconnect so a connection that finishes opening after one is thrown away.
  private generation = 0;
  private readonly log: ComponentLogger;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  private readonly regionResolved = this._register(new vscode.EventEmitter<string>());
  private readonly opened = this._register(new vscode.EventEmitter<AwsConnection>());

  /** The connection was replaced: views reload, caches are gone. */
  readonly onDidChange = this.changed.event;
  /** The current connection resolved its region (for the status bar when the setting is empty). */
  readonly onDidResolveRegion = this.regionResolved.event;
  /** A connection was opened and is now current (listeners that follow its trace cache attach here). */
  readonly onDidOpen = this.opened.event;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly extensionVersion: string,
  ) {
    super();
    this.log = logger.for('connection');
    this._register(config.onDidChangeAws(() => this.reconnect('settings changed')));
  }

  settings(): ConnectionConfig {
    return this.config.connection();
  }

  /** The open connection, without opening one. */
  peek(): AwsConnection | undefined {
    return this.current.value;
  }

  /** The current connection, opening it on first use. */
  get(): Promise<AwsConnection> {
    if (this.current.value !== undefined) {
      return Promise.resolve(this.current.value);
    }
    if (this.isDisposed) {
      return Promise.reject(new Error('Serverless Lens is shutting down'));
    }
    if (this.opening === undefined) {
      const opening = this.open(this.generation);
      this.opening = opening;
      opening.catch(() => {
        if (this.opening === opening) {
          this.opening = undefined;
        }
      });
    }
    return this.opening;
  }

  /** Drops the connection (aborting its requests) and tells the views to reload. */
  reconnect(reason: string): void {
    this.generation += 1;
    this.opening = undefined;
    this.log.info(`reconnecting (${reason}): ${describeConnection(this.settings())}`);
    this.current.value = undefined;
    this.changed.fire();
  }

  /** The profile in effect and whether it signs in with IAM Identity Center (SSO). */
  async profileInfo(): Promise<ProfileInfo> {
    const profiles = await loadAwsProfiles();
    const configured = this.settings().profile;
    const name = configured !== '' ? configured : profiles.defaultProfileName();
    let isSso = false;
    try {
      isSso = (await profiles.listProfiles()).some((profile) => profile.name === name && profile.isSso);
    } catch (error) {
      this.log.warn(`could not read the AWS config files: ${String(error)}`);
    }
    return { name, fromDefaultChain: configured === '', isSso };
  }

  private async open(generation: number): Promise<AwsConnection> {
    const connection = await AwsConnection.open({
      config: this.settings(),
      logger: this.logger,
      fetchConcurrency: () => this.config.get('traces.fetchConcurrency'),
      extensionVersion: this.extensionVersion,
    });
    if (this.isDisposed) {
      connection.dispose();
      throw new Error('Serverless Lens is shutting down');
    }
    if (generation !== this.generation) {
      // Settings changed while the SDK loaded: this connection is already stale.
      connection.dispose();
      return this.get();
    }
    this.opening = undefined;
    this.current.value = connection;
    this.opened.fire(connection);
    void connection.region().then(
      (region) => {
        if (this.current.value === connection) {
          this.regionResolved.fire(region);
        }
      },
      (error: unknown) => this.log.warn(`could not resolve the region: ${String(error)}`),
    );
    return connection;
  }
}
