/**
 * A local X-Ray endpoint on 127.0.0.1 that speaks the REST-JSON wire protocol the real SDK
 * client uses, for GetTraceSummaries, BatchGetTraces, GetTraceSegmentDestination,
 * StartTraceRetrieval and ListRetrievedTraces, and (like LocalStack, on the same URL) the
 * CloudWatch Logs JSON 1.1 protocol for FilterLogEvents (`localLogsHandlers.ts`). Tests point
 * `XRayClient` and `CloudWatchLogsClient` at `url` and steer failures (throttling, expired
 * tokens, access denied, unprocessed ids, Transaction Search, empty log pages) through the
 * returned object.
 *
 * CLI (the demo and the extension-host tests):
 *   node --import tsx test/support/localXRayServer.ts [--port N] [--latency MS] [--count N]
 * prints `LOCAL_XRAY_URL=http://127.0.0.1:PORT` and serves the sample traces, rebased every few
 * minutes; exits on SIGINT/SIGTERM, when stdin closes, and after 12 hours at most.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LAMBDA_CONFIGURATION_PATH, LAMBDA_FUNCTIONS_PATH, LambdaHandlers } from './localLambdaHandlers';
import type { LocalFunctionConfiguration } from './localLambdaHandlers';
import { failureError } from './localFailures';
import { LocalLiveTail, serveTestControl } from './localLiveTailHandler';
import { LogsHandlers } from './localLogsHandlers';
import type { LocalLogEvent } from './localLogsHandlers';
import { ApiError, XRayHandlers } from './localXRayHandlers';
import type { StoredTrace } from './localXRayHandlers';
import type { LocalServiceGraph } from './localXRayServiceGraph';
import { loadSampleTraces } from './sampleTraces';

export type LocalXRayOperation =
  | 'GetTraceSummaries'
  | 'BatchGetTraces'
  | 'GetTraceSegmentDestination'
  | 'StartTraceRetrieval'
  | 'ListRetrievedTraces'
  | 'FilterLogEvents'
  | 'StartQuery'
  | 'GetQueryResults'
  | 'StopQuery'
  | 'StartLiveTail'
  | 'GetFunctionConfiguration'
  | 'GetServiceGraph'
  | 'ListFunctions'
  | 'Unknown';

/** Failures `failNext` can inject, each with the status, type and message AWS sends. */
export type LocalXRayFailure = 'expiredToken' | 'invalidToken' | 'accessDenied' | 'invalidRequest' | 'internal' | 'malformedQuery' | 'limitExceeded';

export interface LocalXRayServerOptions {
  /** Default 0 (any free port). The server always binds 127.0.0.1. */
  port?: number;
  /** Default: none. Use `loadSampleTraces()` for the standard set. */
  traces?: readonly StoredTrace[];
  latencyMs?: number;
  /** Summaries per GetTraceSummaries page; default 100. */
  summariesPageSize?: number;
  /** Traces per BatchGetTraces / ListRetrievedTraces page; default 5 (no paging). */
  tracesPageSize?: number;
  /** Empty pages (with NextToken) before the first summaries of each query; default 0. */
  emptyLeadingPages?: number;
  /** Destination CloudWatchLogs: BatchGetTraces finds nothing, StartTraceRetrieval works. */
  transactionSearch?: boolean;
  /** False makes GetTraceSegmentDestination an unknown operation (404), like some emulators. */
  segmentDestinationSupported?: boolean;
  /** ListRetrievedTraces answers RUNNING this many times before COMPLETE; default 2. */
  retrievalPolls?: number;
  /** The server closes itself after this long without requests; default 10 minutes. */
  idleTimeoutMs?: number;
  /** Matching log events per FilterLogEvents page; default 50. */
  logsPageSize?: number;
  /** Empty FilterLogEvents pages (with nextToken) before the first match; default 0. */
  logsEmptyPages?: number;
}

export interface LocalXRayRequestRecord {
  operation: LocalXRayOperation;
  /** Epoch milliseconds when the request arrived. */
  at: number;
  /** Epoch milliseconds when the response was sent. */
  finishedAt?: number;
  /** Requests in flight when this one arrived, itself included. */
  inFlight: number;
  status?: number;
  errorType?: string;
  traceIds?: string[];
  /** Epoch seconds. */
  startTime?: number;
  endTime?: number;
  filterExpression?: string;
  nextToken?: string;
  /** FilterLogEvents: the group and pattern asked for. */
  logGroupName?: string;
  filterPattern?: string;
  /** The parsed JSON body (Logs operations), e.g. to check units of startTime/endTime. */
  body?: Record<string, unknown>;
  /** Request headers as received (lower-case names), e.g. to compare with what a logger wrote. */
  headers: Record<string, string>;
}

export interface LocalXRayServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  latencyMs: number;
  summariesPageSize: number;
  tracesPageSize: number;
  emptyLeadingPages: number;
  transactionSearch: boolean;
  segmentDestinationSupported: boolean;
  retrievalPolls: number;
  logsPageSize: number;
  logsEmptyPages: number;
  /** Throttle pattern: after every `every` passing requests, the next `burst` get 429. */
  throttleEvery: { every: number; burst: number; operation?: LocalXRayOperation } | undefined;
  setTraces(traces: readonly StoredTrace[]): void;
  /** Creates (or replaces) a log group with these events; FilterLogEvents on any other group is ResourceNotFound. */
  setLogEvents(group: string, events: readonly LocalLogEvent[]): void;
  /** False makes StartQuery an unknown operation, like emulators without Logs Insights. */
  insightsSupported: boolean;
  /** GetQueryResults answers Running (partial rows) this many times before Complete; default 1. */
  insightsRunningPolls: number;
  /** Query ids StopQuery was called for. */
  readonly stoppedQueries: readonly string[];
  /** StartLiveTail streams (`localLiveTailHandler.ts`): push events, end sessions, see disconnects. */
  readonly liveTail: LocalLiveTail;
  /** GetServiceGraph (`localXRayServiceGraph.ts`): page size, or a fixed sample response. */
  readonly serviceGraph: LocalServiceGraph;
  /** Lambda GetFunctionConfiguration answers from this map; other names are ResourceNotFound. */
  setFunctionConfigurations(configurations: Readonly<Record<string, LocalFunctionConfiguration>>): void;
  /** The next `count` requests (of `operation`, if given) get 429 ThrottledException. */
  throttleNext(count: number, operation?: LocalXRayOperation): void;
  /** These ids come back in UnprocessedTraceIds the first time they are asked for. */
  unprocessedOnce(ids: readonly string[]): void;
  /** The next request (of `operation`, if given) fails with `kind`. */
  failNext(kind: LocalXRayFailure, operation?: LocalXRayOperation): void;
  readonly requests: LocalXRayRequestRecord[];
  /** Highest number of concurrent requests seen since start or `resetStats()`. */
  readonly maxInFlight: number;
  readonly unsupportedFilters: readonly string[];
  resetStats(): void;
  /** Drops queued throttles and failures, the throttle pattern and pending unprocessed ids. */
  clearFaults(): void;
  close(): Promise<void>;
}

const PATHS: Record<string, LocalXRayOperation> = {
  '/TraceSummaries': 'GetTraceSummaries',
  '/Traces': 'BatchGetTraces',
  '/GetTraceSegmentDestination': 'GetTraceSegmentDestination',
  '/StartTraceRetrieval': 'StartTraceRetrieval',
  '/ListRetrievedTraces': 'ListRetrievedTraces',
  '/ServiceGraph': 'GetServiceGraph',
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, errorType?: string, contentType = 'application/json'): void {
  if (response.destroyed) {
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': `local-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(text);
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

export async function startLocalXRayServer(options: LocalXRayServerOptions = {}): Promise<LocalXRayServer> {
  const handlers = new XRayHandlers({
    get summariesPageSize() { return state.summariesPageSize; },
    get tracesPageSize() { return state.tracesPageSize; },
    get emptyLeadingPages() { return state.emptyLeadingPages; },
    get transactionSearch() { return state.transactionSearch; },
    get retrievalPolls() { return state.retrievalPolls; },
  });
  handlers.setTraces(options.traces ?? []);
  const logs = new LogsHandlers({
    get logsPageSize() { return state.logsPageSize; },
    get logsEmptyPages() { return state.logsEmptyPages; },
    get insightsRunningPolls() { return state.insightsRunningPolls; },
  });
  const lambda = new LambdaHandlers();
  const liveTail = new LocalLiveTail((group, events) => logs.setLogEvents(group, [...logs.logEvents(group), ...events]));
  const throttles: { operation?: LocalXRayOperation }[] = [];
  const failures: { kind: LocalXRayFailure; operation?: LocalXRayOperation }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let patternCount = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  const idleTimeoutMs = options.idleTimeoutMs ?? 10 * 60 * 1000;

  const takeMatching = <T extends { operation?: LocalXRayOperation }>(list: T[], operation: LocalXRayOperation): T | undefined => {
    const index = list.findIndex((item) => item.operation === undefined || item.operation === operation);
    return index >= 0 ? list.splice(index, 1)[0] : undefined;
  };

  const patternThrottles = (operation: LocalXRayOperation): boolean => {
    const pattern = state.throttleEvery;
    if (!pattern || (pattern.operation !== undefined && pattern.operation !== operation)) {
      return false;
    }
    const position = patternCount % (pattern.every + pattern.burst);
    patternCount += 1;
    return position >= pattern.every;
  };

  const dispatch = (operation: LocalXRayOperation, body: Record<string, unknown>, path: string, url = path): Record<string, unknown> => {
    switch (operation) {
      case 'GetTraceSummaries': return handlers.getTraceSummaries(body);
      case 'BatchGetTraces': return handlers.batchGetTraces(body);
      case 'GetTraceSegmentDestination':
        if (!state.segmentDestinationSupported) {
          throw new ApiError(404, 'UnknownOperationException', 'The operation GetTraceSegmentDestination is not supported.');
        }
        return handlers.getTraceSegmentDestination();
      case 'StartTraceRetrieval': return handlers.startTraceRetrieval(body);
      case 'ListRetrievedTraces': return handlers.listRetrievedTraces(body);
      case 'GetServiceGraph': return handlers.getServiceGraph(body);
      case 'FilterLogEvents': return logs.filterLogEvents(body);
      case 'StartQuery':
        if (!state.insightsSupported) throw new ApiError(400, 'UnknownOperationException', 'Unknown operation StartQuery.');
        return logs.startQuery(body);
      case 'GetQueryResults': return logs.getQueryResults(body);
      case 'StopQuery': return logs.stopQuery(body);
      case 'GetFunctionConfiguration': return lambda.getFunctionConfiguration(path);
      case 'ListFunctions': return lambda.listFunctions(url);
      case 'StartLiveTail': // streamed by `liveTail` before dispatch
      case 'Unknown': throw new ApiError(404, 'UnknownOperationException', 'Unknown operation.');
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    resetIdle();
    if (request.method === 'GET' && request.url === '/__local/stats') {
      // For a server in another process (the CLI): what the returned object exposes in-process.
      send(response, 200, { requests: state.requests.length, maxInFlight, traces: handlers.traceCount() });
      return;
    }
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (request.method === 'POST' && path.startsWith('/__test/')) {
      // Test control (live tail events, Lambda functions) for tests in another process: localLiveTailHandler.ts.
      const control = serveTestControl(path, await readBody(request), { liveTail, addFunctions: (configurations) => (lambda.addFunctionConfigurations(configurations), Object.keys(configurations).length) });
      send(response, control.status, control.body);
      return;
    }
    const target = request.headers['x-amz-target'];
    // JSON 1.1 services name the operation in a header; X-Ray's REST-JSON in the path.
    const isLogs = typeof target === 'string' && target.startsWith('Logs_20140328.');
    const operation = request.method === 'GET' && LAMBDA_CONFIGURATION_PATH.test(path) ? 'GetFunctionConfiguration' : request.method === 'GET' && LAMBDA_FUNCTIONS_PATH.test(path) ? 'ListFunctions' : request.method !== 'POST' ? 'Unknown' : isLogs ? logsOperation(target) : PATHS[path] ?? 'Unknown';
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v ?? '']));
    const record: LocalXRayRequestRecord = { operation, at: Date.now(), inFlight, headers };
    state.requests.push(record);
    let status = 200;
    let payload: unknown;
    let errorType: string | undefined;
    try {
      const text = await readBody(request);
      const body: Record<string, unknown> = text.trim() === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
      if (Array.isArray(body.TraceIds)) record.traceIds = body.TraceIds.filter((id): id is string => typeof id === 'string');
      if (typeof body.StartTime === 'number') record.startTime = body.StartTime;
      if (typeof body.EndTime === 'number') record.endTime = body.EndTime;
      if (typeof body.FilterExpression === 'string') record.filterExpression = body.FilterExpression;
      if (typeof body.NextToken === 'string') record.nextToken = body.NextToken;
      if (typeof body.nextToken === 'string') record.nextToken = body.nextToken;
      if (typeof body.logGroupName === 'string') record.logGroupName = body.logGroupName;
      if (typeof body.filterPattern === 'string') record.filterPattern = body.filterPattern;
      if (isLogs) record.body = body;
      await delay(state.latencyMs);
      const failure = takeMatching(failures, operation);
      if (failure) throw failureError(failure.kind, operation);
      if (takeMatching(throttles, operation) || patternThrottles(operation)) {
        throw isLogs
          ? new ApiError(400, 'ThrottlingException', 'Rate exceeded')
          : new ApiError(429, 'ThrottledException', 'The request exceeds the maximum number of requests per second.');
      }
      // An event stream: the live-tail handler owns the response from here on.
      if (operation === 'StartLiveTail') {
        liveTail.start(body, request, response);
        record.status = 200;
        return;
      }
      payload = dispatch(operation, body, path, request.url ?? path);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(400, 'SerializationException', error instanceof Error ? error.message : String(error));
      status = apiError.status;
      errorType = apiError.type;
      payload = { __type: apiError.type, message: apiError.message };
    } finally {
      inFlight -= 1;
    }
    record.status = status;
    record.finishedAt = Date.now();
    if (errorType) record.errorType = errorType;
    send(response, status, payload, errorType, isLogs ? 'application/x-amz-json-1.1' : 'application/json');
  };

  const server: Server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      if (idleTimer) clearTimeout(idleTimer);
      liveTail.closeAll();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  function resetIdle(): void {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void close(), idleTimeoutMs);
    idleTimer.unref();
  }
  resetIdle();

  const state: LocalXRayServer = {
    url: `http://127.0.0.1:${port}`,
    latencyMs: options.latencyMs ?? 0,
    summariesPageSize: options.summariesPageSize ?? 100,
    tracesPageSize: options.tracesPageSize ?? 5,
    emptyLeadingPages: options.emptyLeadingPages ?? 0,
    transactionSearch: options.transactionSearch ?? false,
    segmentDestinationSupported: options.segmentDestinationSupported ?? true,
    retrievalPolls: options.retrievalPolls ?? 2,
    logsPageSize: options.logsPageSize ?? 50,
    logsEmptyPages: options.logsEmptyPages ?? 0,
    throttleEvery: undefined,
    setTraces: (traces) => handlers.setTraces(traces),
    setLogEvents: (group, events) => logs.setLogEvents(group, events),
    insightsSupported: true,
    insightsRunningPolls: 1,
    get stoppedQueries() { return logs.stoppedQueries; },
    liveTail,
    serviceGraph: handlers.serviceGraph,
    setFunctionConfigurations: (configurations) => lambda.setFunctionConfigurations(configurations),
    throttleNext: (count, operation) => {
      for (let i = 0; i < count; i += 1) throttles.push(operation ? { operation } : {});
    },
    unprocessedOnce: (ids) => ids.forEach((id) => handlers.unprocessedOnce.add(id)),
    failNext: (kind, operation) => void failures.push(operation ? { kind, operation } : { kind }),
    requests: [],
    get maxInFlight() { return maxInFlight; },
    get unsupportedFilters() { return handlers.unsupportedFilters; },
    resetStats: () => {
      state.requests.length = 0;
      maxInFlight = 0;
      patternCount = 0;
    },
    clearFaults: () => {
      throttles.length = 0;
      failures.length = 0;
      state.throttleEvery = undefined;
      handlers.unprocessedOnce.clear();
    },
    close,
  };
  return state;
}

function logsOperation(target: string): LocalXRayOperation {
  const operation = target.slice('Logs_20140328.'.length);
  return ['FilterLogEvents', 'StartQuery', 'GetQueryResults', 'StopQuery', 'StartLiveTail'].includes(operation) ? (operation as LocalXRayOperation) : 'Unknown';
}

function argValue(args: readonly string[], name: string): number | undefined {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : Number.NaN;
  return Number.isFinite(value) ? value : undefined;
}

/** CLI: serve the sample traces, keeping them within the last few minutes. */
async function main(args: readonly string[]): Promise<void> {
  const count = argValue(args, '--count') ?? 40;
  const server = await startLocalXRayServer({
    port: argValue(args, '--port') ?? 0,
    latencyMs: argValue(args, '--latency') ?? 0,
    traces: loadSampleTraces({ count }),
    // The demo may sit idle for long; the 12-hour cap below still ends it.
    idleTimeoutMs: 12 * 60 * 60 * 1000,
  });
  // Re-rebase so the newest trace stays recent and the default 15-minute view is never empty.
  const refresh = setInterval(() => server.setTraces(loadSampleTraces({ count })), 3 * 60 * 1000);
  const stop = (): void => {
    clearInterval(refresh);
    void server.close().then(() => process.exit(0));
  };
  setTimeout(stop, 12 * 60 * 60 * 1000).unref();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  console.log(`LOCAL_XRAY_URL=${server.url}`);
}

const entry = process.argv[1] ?? '';
if (/localXRayServer\.(ts|js|mjs|cjs)$/.test(entry)) {
  void main(process.argv.slice(2));
}
