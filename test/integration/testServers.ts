/**
 * The two local X-Ray servers both runners start, and the environment that tells the suite
 * about them. The second server serves a different, smaller set (other ids, older starts) so the
 * runtime reconfiguration test sees the rows change.
 */
import type { LocalLogEvent } from '../support/localLogsHandlers';
import { startLocalXRayServer } from '../support/localXRayServer';
import type { LocalXRayServer } from '../support/localXRayServer';
import { loadSampleTraces } from '../support/sampleTraces';
import type { SampleTrace } from '../support/sampleTraces';
import { expectationsFor, expectedProblems } from './expectations';
import type { SourceFailure } from './expectations';
import { ENV_EXPECTATIONS, ENV_SOURCE_APP, ENV_XRAY_URL, ENV_XRAY_URL_ALT } from './testEnv';
import type { SourceAppExpectations, SuiteExpectations } from './testEnv';

export interface TestServers {
  primary: LocalXRayServer;
  alternate: LocalXRayServer;
  expectations: SuiteExpectations;
  /** Variables for the extension host: both URLs and the expectations. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Extra data for the primary server: the source app's real invocations and their log lines. */
export interface ExtraServerData {
  traces: SampleTrace[];
  logGroups: ReadonlyMap<string, LocalLogEvent[]>;
  expectations: SourceAppExpectations;
  /** Where each failure of those traces threw, for the Problems view's expectations. */
  failures: readonly SourceFailure[];
}

export async function startTestServers(extra?: ExtraServerData): Promise<TestServers> {
  const primaryTraces = [...loadSampleTraces(), ...(extra?.traces ?? [])];
  const alternateTraces = loadSampleTraces({ count: 4, spacingSeconds: 45, rebaseTo: new Date(Date.now() - 90_000) });
  const primary = await startLocalXRayServer({ traces: primaryTraces });
  const alternate = await startLocalXRayServer({ traces: alternateTraces });
  for (const [group, events] of extra?.logGroups ?? []) primary.setLogEvents(group, events);
  const expectations: SuiteExpectations = { primary: expectationsFor(primaryTraces), alternate: expectationsFor(alternateTraces) };
  if (extra) {
    const shown = new Set(expectations.primary.traces.map((trace) => trace.id));
    expectations.primary.problems = expectedProblems(extra.failures, shown);
  }
  return {
    primary,
    alternate,
    expectations,
    env: {
      [ENV_XRAY_URL]: primary.url,
      [ENV_XRAY_URL_ALT]: alternate.url,
      [ENV_EXPECTATIONS]: JSON.stringify(expectations),
      ...(extra ? { [ENV_SOURCE_APP]: JSON.stringify(extra.expectations) } : {}),
    },
    close: async () => {
      await Promise.all([primary.close(), alternate.close()]);
    },
  };
}
