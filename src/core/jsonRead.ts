/**
 * Small readers for untrusted JSON: every segment field may be missing or of the wrong type,
 * so each read checks the type and returns `undefined` rather than trusting the producer.
 */
import type { JsonValue } from '../shared/traceModel';

export type JsonRecord = Record<string, unknown>;

/** Deeper values than this are cut: producers never nest metadata this far, attackers might. */
const MAX_JSON_DEPTH = 64;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readString(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}

export function readNumber(record: JsonRecord, key: string): number | undefined {
  const value = record[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Numbers that some producers send as strings (`content_length: "123"`). */
export function readLooseNumber(record: JsonRecord, key: string): number | undefined {
  const value = record[key];
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return readNumber(record, key);
}

export function readBoolean(record: JsonRecord, key: string): boolean | undefined {
  const value = record[key];
  return typeof value === 'boolean' ? value : undefined;
}

export function readRecord(record: JsonRecord, key: string): JsonRecord | undefined {
  const value = record[key];
  return isRecord(value) ? value : undefined;
}

export function readStringArray(record: JsonRecord, key: string): string[] | undefined {
  const value = record[key];
  if (!Array.isArray(value)) {
    return undefined;
  }
  const strings = value.filter((item): item is string => typeof item === 'string');
  return strings.length > 0 ? strings : undefined;
}

/** Sets an own property even for keys like `__proto__`, which plain assignment would misread. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Copies a value into plain JSON data (structured-clone safe), dropping what JSON cannot hold. */
export function toJsonValue(value: unknown, depth = 0): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : null;
  }
  if (typeof value !== 'object' || depth >= MAX_JSON_DEPTH) {
    return undefined;
  }
  if (Array.isArray(value)) {
    const items: JsonValue[] = [];
    for (const item of value) {
      items.push(toJsonValue(item, depth + 1) ?? null);
    }
    return items;
  }
  const out: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value)) {
    const converted = toJsonValue(item, depth + 1);
    if (converted === undefined) continue;
    if (key === '__proto__') setOwn(out, key, converted);
    else out[key] = converted;
  }
  return out;
}
