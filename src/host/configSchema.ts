/**
 * The settings of the extension as data: key, type, default and bounds. Pure (no `vscode`), so a
 * plain Node test can check it against `package.json` `contributes.configuration` both ways, and
 * `config.ts` can validate what VS Code hands back (users edit settings.json by hand).
 */

export const CONFIG_SECTION = 'serverlessLens';

/** Settings groups; a change in a group fires that group's event in `config.ts`. */
export type SettingGroup = 'aws' | 'traces' | 'source' | 'codeLens' | 'problems' | 'local' | 'alerts' | 'tail';

interface StringSetting {
  readonly type: 'string';
  readonly default: string;
  readonly group: SettingGroup;
}

interface NumberSetting {
  readonly type: 'number';
  readonly default: number;
  readonly minimum: number;
  readonly maximum: number;
  readonly group: SettingGroup;
}

interface BooleanSetting {
  readonly type: 'boolean';
  readonly default: boolean;
  readonly group: SettingGroup;
}

/** An object of string values, such as path mappings (`{"/var/task/": "${workspaceFolder}/dist/"}`). */
interface StringMapSetting {
  readonly type: 'object';
  readonly default: Readonly<Record<string, string>>;
  readonly group: SettingGroup;
}

/** A list whose items the reading feature validates itself (alert rules), reporting bad items by index. */
interface ArraySetting {
  readonly type: 'array';
  readonly default: readonly unknown[];
  readonly group: SettingGroup;
}

export type SettingSpec = StringSetting | NumberSetting | BooleanSetting | StringMapSetting | ArraySetting;

/** Keys are relative to `serverlessLens.`. */
export const SETTINGS = {
  'aws.profile': { type: 'string', default: '', group: 'aws' },
  'aws.region': { type: 'string', default: '', group: 'aws' },
  'aws.endpointUrl': { type: 'string', default: '', group: 'aws' },
  'traces.timeRangeMinutes': { type: 'number', default: 15, minimum: 1, maximum: 43200, group: 'traces' },
  'traces.pageSize': { type: 'number', default: 50, minimum: 5, maximum: 1000, group: 'traces' },
  'traces.fetchConcurrency': { type: 'number', default: 4, minimum: 1, maximum: 16, group: 'traces' },
  'traces.filterHistorySize': { type: 'number', default: 20, minimum: 0, maximum: 100, group: 'traces' },
  'source.pathMappings': { type: 'object', default: {}, group: 'source' },
  'codeLens.enabled': { type: 'boolean', default: true, group: 'codeLens' },
  'problems.enabled': { type: 'boolean', default: true, group: 'problems' },
  'problems.maxAgeMinutes': { type: 'number', default: 60, minimum: 5, maximum: 1440, group: 'problems' },
  'tail.mode': { type: 'string', default: 'auto', group: 'tail' },
  'tail.maxLines': { type: 'number', default: 10000, minimum: 100, maximum: 100000, group: 'tail' },
  'tail.idleStopMinutes': { type: 'number', default: 15, minimum: 0, maximum: 1440, group: 'tail' },
  'alerts.enabled': { type: 'boolean', default: true, group: 'alerts' },
  'alerts.rules': { type: 'array', default: [], group: 'alerts' },
  'alerts.quietSeconds': { type: 'number', default: 30, minimum: 1, maximum: 3600, group: 'alerts' },
  'local.autoStart': { type: 'boolean', default: false, group: 'local' },
  'local.udpAddress': { type: 'string', default: '127.0.0.1:2000', group: 'local' },
  'local.otlpAddress': { type: 'string', default: '127.0.0.1:4318', group: 'local' },
  'local.maxTraces': { type: 'number', default: 1000, minimum: 10, maximum: 100000, group: 'local' },
  'local.maxTraceBytes': { type: 'number', default: 5242880, minimum: 65536, maximum: 104857600, group: 'local' },
  'local.maxDatagramsPerSecond': { type: 'number', default: 50000, minimum: 100, maximum: 1000000, group: 'local' },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;

type ValueOfType<T> = T extends 'number' ? number : T extends 'boolean' ? boolean : T extends 'object' ? Readonly<Record<string, string>> : T extends 'array' ? readonly unknown[] : string;

export type SettingValue<K extends SettingKey> = ValueOfType<(typeof SETTINGS)[K]['type']>;

/**
 * Groups whose change invalidates the AWS connection (clients, caches, in-flight requests), like
 * rust-analyzer's `requiresServerReloadOpts`. Changing them rebuilds the connection; the others
 * only re-read their value.
 */
export const RECONNECT_GROUPS: readonly SettingGroup[] = ['aws'];

/** The full `serverlessLens.*` name of a key. */
export function qualifiedKey(key: SettingKey): string {
  return `${CONFIG_SECTION}.${key}`;
}

export function settingKeys(): SettingKey[] {
  return Object.keys(SETTINGS) as SettingKey[];
}

/**
 * What a raw value read from the user's settings becomes: wrong types fall back to the default,
 * numbers are rounded into their bounds, strings are trimmed.
 */
export function coerceSetting<K extends SettingKey>(key: K, raw: unknown): SettingValue<K> {
  const spec: SettingSpec = SETTINGS[key];
  if (spec.type === 'string') {
    return (typeof raw === 'string' ? raw.trim() : spec.default) as SettingValue<K>;
  }
  if (spec.type === 'boolean') {
    return (typeof raw === 'boolean' ? raw : spec.default) as SettingValue<K>;
  }
  if (spec.type === 'object') {
    return coerceStringMap(raw, spec.default) as SettingValue<K>;
  }
  if (spec.type === 'array') {
    return (Array.isArray(raw) ? raw : spec.default) as SettingValue<K>;
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    return spec.default as SettingValue<K>;
  }
  return Math.min(spec.maximum, Math.max(spec.minimum, Math.round(raw))) as SettingValue<K>;
}

/** Keeps the string-valued entries of a hand-edited object; anything else falls back to `fallback`. */
function coerceStringMap(raw: unknown, fallback: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fallback;
  }
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'string' && key !== '') {
      result[key] = value;
    }
  }
  return result;
}
