/**
 * The contract between the integration runners (runCodeServer.ts, runElectron.ts) and the suite
 * that runs inside the extension host. The extension host inherits the environment of the
 * process that starts VS Code, so everything the suite needs to know travels as variables.
 * This module is bundled into both sides; it must not import Node or `vscode`.
 */

/** Local X-Ray endpoint that the workspace settings point at (the default sample traces). */
export const ENV_XRAY_URL = 'SLENS_TEST_XRAY_URL';
/** A second local X-Ray endpoint serving different traces, for the runtime reconfiguration test. */
export const ENV_XRAY_URL_ALT = 'SLENS_TEST_XRAY_URL_ALT';
/** JSON of {@link SuiteExpectations}: what the Traces view should show for each endpoint. */
export const ENV_EXPECTATIONS = 'SLENS_TEST_EXPECTATIONS';

/** JSON of {@link SourceAppExpectations}: the built fixture app in the workspace and its failing traces. */
export const ENV_SOURCE_APP = 'SLENS_TEST_SOURCE_APP';

/** The line the suite prints last; the code-server runner reads its counts from it. */
export const RESULT_MARKER = 'SLENS_MOCHA_RESULT';

export const TEST_PROFILE = 'serverless-lens-test';
export const TEST_REGION = 'us-east-1';

export type ExpectedStatus = 'ok' | 'error' | 'fault' | 'throttle';

export interface ExpectedTrace {
  id: string;
  /** Start of the trace in epoch seconds; the view lists newest first. */
  startTime: number;
  status: ExpectedStatus;
  coldStart: boolean;
  /** Segments and subsegments in the trace's documents (how rich its timeline is). */
  spans: number;
}

/** What the traces of one endpoint say about one Lambda function (for the handler lenses). */
export interface ExpectedFunction {
  functionName: string;
  invocations: number;
  errors: number;
  coldStarts: number;
  /** Nearest-rank p95 of the function segment durations, in milliseconds. */
  p95Ms: number;
  /** Exception type of the newest failing invocation, when one failed and named it. */
  lastErrorType?: string;
}

/** A failure of the sample traces that must become a problem at a line of the test workspace. */
export interface ExpectedProblem {
  /** Path relative to the workspace folder. */
  file: string;
  /** 1-based line that threw. */
  line: number;
  exceptionType: string;
  /** Failing invocations behind it (the "(3 failures, …)" of the message). */
  failures: number;
  fault: boolean;
}

export interface ExpectedEndpoint {
  /** Traces inside the view's default time range, newest first. */
  traces: ExpectedTrace[];
  /** Per Lambda function over those traces, by name. */
  functions: ExpectedFunction[];
  /** Set when the served traces include failures of a function whose source is in the workspace. */
  problems?: ExpectedProblem[];
}

export interface SuiteExpectations {
  primary: ExpectedEndpoint;
  alternate: ExpectedEndpoint;
}

export interface SourceTraceExpectation {
  traceId: string;
  /** The `Invocation` subsegment that recorded the exception. */
  spanId: string;
  /** The `AWS::Lambda::Function` segment around it (its cause refers to the subsegment). */
  functionSpanId: string;
  /** The file "Go to source" must open, relative to the app folder. */
  file: string;
  /** The marker comment (`// @throws:<marker>`) on the line that threw. */
  marker: string;
  errorType: string;
}

export interface SourceAppExpectations {
  /** The app's folder inside the workspace folder. */
  folder: string;
  traces: SourceTraceExpectation[];
  /** A real Node stack of the CJS bundle (`/var/task/createOrder.js:1:NNN` frames). */
  clipboardStack: string;
}

export interface SuiteResult {
  passed: number;
  failed: number;
  /** Tests that skipped themselves; the code-server lane, which serves every fixture, allows none. */
  pending?: number;
}

/** Parses the result line the suite prints, or returns undefined if the text is not one. */
export function parseResultLine(text: string): SuiteResult | undefined {
  const at = text.indexOf(RESULT_MARKER);
  if (at < 0) {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text.slice(at + RESULT_MARKER.length).trim());
    if (typeof value === 'object' && value !== null && 'passed' in value && 'failed' in value) {
      const { passed, failed } = value;
      const pending = 'pending' in value ? value.pending : undefined;
      if (typeof passed === 'number' && typeof failed === 'number') {
        return typeof pending === 'number' ? { passed, failed, pending } : { passed, failed };
      }
    }
  } catch {
    // Not our line after all (for example the marker quoted in a log message).
  }
  return undefined;
}
