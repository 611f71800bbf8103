/** Reads the shared X-Ray samples in test/fixtures for the core tests. */
import { readdirSync, readFileSync } from 'node:fs';

const FIXTURES = new URL('../../fixtures/', import.meta.url);

export function fixtureText(relativePath: string): string {
  return readFileSync(new URL(relativePath, FIXTURES), 'utf8');
}

export function segmentFixtureNames(): string[] {
  return readdirSync(new URL('xray-segments/', FIXTURES)).sort();
}

export interface FixtureTrace {
  id?: string;
  limitExceeded?: boolean;
  /** `Segments[].Document`: strings in API responses, objects in the Grafana conversions. */
  documents: unknown[];
}

function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('fixture is not an object');
  return value as Record<string, unknown>;
}

/** The traces of a BatchGetTraces response (`{ Traces: [...] }`) or of a single trace object. */
export function fixtureTraces(relativePath: string): FixtureTrace[] {
  const parsed = asRecord(JSON.parse(fixtureText(relativePath)));
  const traces = Array.isArray(parsed['Traces']) ? parsed['Traces'] : [parsed];
  return traces.map((item) => {
    const trace = asRecord(item);
    const segments = Array.isArray(trace['Segments']) ? trace['Segments'] : [];
    return {
      ...(typeof trace['Id'] === 'string' ? { id: trace['Id'] } : {}),
      ...(typeof trace['LimitExceeded'] === 'boolean' ? { limitExceeded: trace['LimitExceeded'] } : {}),
      documents: segments.map((segment) => asRecord(segment)['Document']),
    };
  });
}

export function singleFixtureTrace(relativePath: string): FixtureTrace {
  const [trace] = fixtureTraces(relativePath);
  if (trace === undefined) throw new Error(`no trace in ${relativePath}`);
  return trace;
}
