import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import { CONFIG_SECTION, RECONNECT_GROUPS, SETTINGS, coerceSetting, qualifiedKey, settingKeys } from './configSchema';
import type { SettingGroup, SettingKey, SettingValue } from './configSchema';

/** What the AWS connection is built from; equal values mean the same connection. */
export interface ConnectionConfig {
  /** Empty: the SDK's default chain. */
  profile: string;
  /** Empty: the profile's region, then `AWS_REGION`, then the SDK default. */
  region: string;
  /** Empty: the real AWS endpoints. */
  endpointUrl: string;
}

export interface TracesConfig {
  timeRangeMinutes: number;
  pageSize: number;
  fetchConcurrency: number;
  filterHistorySize: number;
}

/**
 * The one typed configuration module: every read of `serverlessLens.*` goes through here, and
 * each settings group has its own change event. Values are validated by `configSchema.ts`.
 */
export class Config extends Disposable {
  private readonly groupEmitters = new Map<SettingGroup, vscode.EventEmitter<void>>();

  /** `serverlessLens.aws.*` changed: the connection must be rebuilt. */
  readonly onDidChangeAws: vscode.Event<void>;
  /** `serverlessLens.traces.*` changed. */
  readonly onDidChangeTraces: vscode.Event<void>;
  /** `serverlessLens.source.*` changed (path mappings). */
  readonly onDidChangeSource: vscode.Event<void>;
  /** `serverlessLens.codeLens.*` changed. */
  readonly onDidChangeCodeLens: vscode.Event<void>;
  /** `serverlessLens.problems.*` changed. */
  readonly onDidChangeProblems: vscode.Event<void>;
  /** `serverlessLens.local.*` changed (receiver addresses and limits). */
  readonly onDidChangeLocal: vscode.Event<void>;
  /** `serverlessLens.tail.*` changed (mode, line cap, idle stop). */
  readonly onDidChangeTail: vscode.Event<void>;

  constructor() {
    super();
    this.onDidChangeAws = this.emitter('aws').event;
    this.onDidChangeTraces = this.emitter('traces').event;
    this.onDidChangeSource = this.emitter('source').event;
    this.onDidChangeCodeLens = this.emitter('codeLens').event;
    this.onDidChangeProblems = this.emitter('problems').event;
    this.onDidChangeLocal = this.emitter('local').event;
    this.onDidChangeTail = this.emitter('tail').event;
    this._register(vscode.workspace.onDidChangeConfiguration((event) => this.onConfigurationChanged(event)));
  }

  get<K extends SettingKey>(key: K): SettingValue<K> {
    const raw = vscode.workspace.getConfiguration(CONFIG_SECTION).get<unknown>(key);
    return coerceSetting(key, raw);
  }

  connection(): ConnectionConfig {
    return { profile: this.get('aws.profile'), region: this.get('aws.region'), endpointUrl: this.get('aws.endpointUrl') };
  }

  traces(): TracesConfig {
    return {
      timeRangeMinutes: this.get('traces.timeRangeMinutes'),
      pageSize: this.get('traces.pageSize'),
      fetchConcurrency: this.get('traces.fetchConcurrency'),
      filterHistorySize: this.get('traces.filterHistorySize'),
    };
  }

  /**
   * Writes a setting where the user keeps it: the workspace when the workspace already sets it
   * (otherwise the write would be shadowed), the user settings otherwise. An empty string removes
   * the value from that target, so the default applies again.
   */
  async update<K extends SettingKey>(key: K, value: SettingValue<K>): Promise<void> {
    const configuration = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const inspected = configuration.inspect(key);
    const target =
      inspected?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : inspected?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    const isDefault = value === SETTINGS[key].default;
    // Removing a workspace value would let a user-level value show through: write it out then.
    const shadowed = target !== vscode.ConfigurationTarget.Global && inspected?.globalValue !== undefined && inspected.globalValue !== value;
    await configuration.update(key, isDefault && !shadowed ? undefined : value, target);
  }

  /** True when `event` touches a setting whose change needs a new AWS connection. */
  static requiresReconnect(event: vscode.ConfigurationChangeEvent): boolean {
    return settingKeys().some((key) => RECONNECT_GROUPS.includes(SETTINGS[key].group) && event.affectsConfiguration(qualifiedKey(key)));
  }

  private emitter(group: SettingGroup): vscode.EventEmitter<void> {
    let emitter = this.groupEmitters.get(group);
    if (emitter === undefined) {
      emitter = this._register(new vscode.EventEmitter<void>());
      this.groupEmitters.set(group, emitter);
    }
    return emitter;
  }

  private onConfigurationChanged(event: vscode.ConfigurationChangeEvent): void {
    const changed = new Set<SettingGroup>();
    for (const key of settingKeys()) {
      if (event.affectsConfiguration(qualifiedKey(key))) {
        changed.add(SETTINGS[key].group);
      }
    }
    for (const group of changed) {
      this.emitter(group).fire();
    }
  }
}
