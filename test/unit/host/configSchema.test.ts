// The typed settings of host/configSchema.ts must say exactly what package.json contributes, in
// both directions: a setting the UI offers but the code never reads (or the reverse) is a bug.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CONFIG_SECTION, SETTINGS, coerceSetting, qualifiedKey, settingKeys } from '../../../src/host/configSchema';
import type { SettingSpec } from '../../../src/host/configSchema';

interface ContributedSetting {
  type?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
}

function contributedSettings(): Record<string, ContributedSetting> {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, ContributedSetting> } };
  };
  return manifest.contributes.configuration.properties;
}

test('every contributed setting is in the schema with the same type, default and bounds', () => {
  for (const [name, contributed] of Object.entries(contributedSettings())) {
    assert.ok(name.startsWith(`${CONFIG_SECTION}.`), `${name} is outside the ${CONFIG_SECTION} section`);
    const key = name.slice(CONFIG_SECTION.length + 1);
    const spec = (SETTINGS as Record<string, SettingSpec>)[key];
    assert.ok(spec, `package.json contributes ${name}, which configSchema.ts does not know`);
    assert.equal(contributed.type, spec.type, `type of ${name}`);
    assert.deepEqual(contributed.default, spec.default, `default of ${name}`);
    if (spec.type === 'number') {
      assert.equal(contributed.minimum, spec.minimum, `minimum of ${name}`);
      assert.equal(contributed.maximum, spec.maximum, `maximum of ${name}`);
    } else {
      assert.equal(contributed.minimum, undefined, `minimum of ${name}`);
      assert.equal(contributed.maximum, undefined, `maximum of ${name}`);
    }
  }
});

test('every schema key is contributed by package.json', () => {
  const contributed = contributedSettings();
  for (const key of settingKeys()) {
    assert.ok(contributed[qualifiedKey(key)], `configSchema.ts has ${key}, which package.json does not contribute`);
  }
});

test('defaults lie within their bounds', () => {
  for (const key of settingKeys()) {
    const spec: SettingSpec = SETTINGS[key];
    if (spec.type === 'number') {
      assert.ok(spec.minimum <= spec.default && spec.default <= spec.maximum, `default of ${key}`);
    }
  }
});

test('values from hand-edited settings are coerced to their type and bounds', () => {
  assert.equal(coerceSetting('traces.pageSize', '20'), 50);
  assert.equal(coerceSetting('traces.pageSize', 2), 5);
  assert.equal(coerceSetting('traces.pageSize', 12.6), 13);
  assert.equal(coerceSetting('traces.fetchConcurrency', Number.NaN), 4);
  assert.equal(coerceSetting('aws.profile', '  dev  '), 'dev');
  assert.equal(coerceSetting('aws.region', 42), '');
});
