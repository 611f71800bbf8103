/**
 * The normalized trace model shared by the host, the webviews and every source of traces
 * (AWS X-Ray, local receivers, files). Built by `core/traceBuilder.ts`; plain data only
 * (structured-clone safe), so a `Trace` can be posted to a webview as it is.
 */

/** Worst outcome of a span or trace. Precedence when several flags are set: fault > throttle > error > ok. */
export type SpanStatus = 'ok' | 'error' | 'fault' | 'throttle';

/** Where a span came from in the X-Ray document tree. */
export type SpanKind =
  /** A top-level segment document (a service's own record of the request). */
  | 'segment'
  /** A subsegment, embedded or sent on its own. */
  | 'subsegment'
  /** A segment X-Ray inferred for a downstream service that does not trace itself (`inferred: true`). */
  | 'inferred';

/** What kind of service a span represents; drives its icon. */
export type ServiceType =
  | 'client'
  | 'apiGateway'
  | 'lambda'
  | 'lambdaFunction'
  | 'dynamodb'
  | 'sqs'
  | 'sns'
  | 's3'
  | 'eventbridge'
  | 'stepFunctions'
  | 'ec2'
  | 'ecs'
  | 'elasticBeanstalk'
  | 'awsService'
  | 'http'
  | 'sql'
  | 'internal';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * One frame of an exception stack. X-Ray records `path`, `line` and `label` only; `column`
 * (1-based) is set when the producer gave one (an OpenTelemetry `exception.stacktrace`), and is
 * what pins a frame of a minified one-line bundle to one original line.
 */
export interface StackFrame {
  path?: string;
  line?: number;
  column?: number;
  label?: string;
}

export interface SpanException {
  /** 16-hex exception id when the producer set one (real data also has non-hex ids). */
  id?: string;
  type?: string;
  message?: string;
  /** True when the exception was caused by an error returned from a downstream service. */
  remote: boolean;
  /** Number of stack frames the producer omitted. */
  truncated?: number;
  /** Number of exceptions skipped between this one and its child. */
  skipped?: number;
  /** Id of the parent exception (`cause` field of an exception). */
  causeId?: string;
  stack: StackFrame[];
}

/**
 * A span's `cause`. X-Ray allows either a full object with exceptions, or a reference (a 16-char
 * exception id string, or the Node SDK's `{ id, exceptions: [] }`) to an exception recorded on
 * another span of the same trace. References are resolved by the trace builder.
 */
export interface SpanCause {
  workingDirectory?: string;
  paths?: string[];
  exceptions: SpanException[];
  /** Set when the cause referred to an exception recorded elsewhere. */
  reference?: {
    /** The id as written in the document. */
    id: string;
    /** The span that records the referenced exception, when it is in this trace. */
    spanId?: string;
  };
}

export interface HttpInfo {
  request?: {
    method?: string;
    url?: string;
    userAgent?: string;
    clientIp?: string;
    xForwardedFor?: boolean;
    traced?: boolean;
  };
  response?: {
    status?: number;
    contentLength?: number;
  };
}

export interface AwsCallInfo {
  operation?: string;
  region?: string;
  accountId?: string;
  requestId?: string;
  queueUrl?: string;
  tableName?: string;
  topicArn?: string;
  functionName?: string;
  resourceNames?: string[];
  retries?: number;
  /** Every other key of the document's `aws` block, kept for the details pane. */
  other?: Record<string, JsonValue>;
}

export interface SqlInfo {
  url?: string;
  connectionString?: string;
  sanitizedQuery?: string;
  databaseType?: string;
  databaseVersion?: string;
  driverVersion?: string;
  user?: string;
  preparation?: string;
}

export interface LambdaInfo {
  /** Invocation request id (`aws.request_id` of the AWS::Lambda service segment). */
  requestId?: string;
  functionArn?: string;
  functionName?: string;
  /** Log groups the producer recorded (`aws.cloudwatch_logs[].log_group`). */
  logGroups?: string[];
}

/** A link from this span to a span of (usually) another trace, such as an SQS producer. */
export interface SpanLink {
  traceId: string;
  spanId?: string;
  attributes?: Record<string, JsonValue>;
}

export interface Span {
  /** 16-hex X-Ray (sub)segment id, unique within the trace. */
  id: string;
  /** Id of the parent span, if it is in this trace. */
  parentId?: string;
  /** `parent_id` as written, even when that span is missing from the trace. */
  declaredParentId?: string;
  name: string;
  kind: SpanKind;
  serviceType: ServiceType;
  /** The document's `origin` (`AWS::Lambda::Function`, …) for segments. */
  origin?: string;
  /** Subsegment `namespace`: `aws` or `remote`. */
  namespace?: string;
  /** Milliseconds from the trace start. */
  startMs: number;
  /** Milliseconds from the trace start; for in-progress spans, the end of the trace. */
  endMs: number;
  durationMs: number;
  /** True when the producer had not closed the span (`in_progress: true`). */
  inProgress: boolean;
  /** True when the span started before its parent (clock skew) and was clamped to it. */
  clockSkew: boolean;
  status: SpanStatus;
  error: boolean;
  fault: boolean;
  throttle: boolean;
  /** Depth in the span tree, 0 for roots. */
  depth: number;
  /** Ids of the children, ordered by start time. */
  childIds: string[];
  http?: HttpInfo;
  aws?: AwsCallInfo;
  sql?: SqlInfo;
  lambda?: LambdaInfo;
  /** True on the Lambda `Initialization` subsegment and on the function segment that has one. */
  coldStart: boolean;
  resourceArn?: string;
  user?: string;
  annotations: Record<string, string | number | boolean>;
  metadata: Record<string, JsonValue>;
  cause?: SpanCause;
  links?: SpanLink[];
}

export type TraceWarningCode =
  | 'malformedJson'
  | 'notAnObject'
  | 'missingField'
  | 'invalidField'
  | 'duplicateSpan'
  | 'orphanSpan'
  | 'clockSkew'
  | 'unresolvedCause'
  | 'limitExceeded'
  | 'invalidHeader';

/** Something the builder skipped or repaired; listed on the trace, never thrown. */
export interface TraceWarning {
  code: TraceWarningCode;
  message: string;
  /** Id of the span concerned, when known. */
  spanId?: string;
}

export interface Trace {
  /** X-Ray form: `1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx`. */
  id: string;
  /** Epoch milliseconds of the earliest span start; every span time is relative to it. */
  startEpochMs: number;
  /** Milliseconds from the first start to the last end. */
  durationMs: number;
  status: SpanStatus;
  /** Every span in depth-first pre-order (parents before children, siblings by start time). */
  spans: Span[];
  /** Ids of spans without a parent in this trace, by start time. */
  rootIds: string[];
  /** `GET https://api.example.com/orders` or the function name of the root. */
  entryPoint?: string;
  /** Distinct service names touched (segment and inferred names), in order of first start. */
  services: string[];
  coldStart: boolean;
  /** True when any span is still in progress. */
  inProgress: boolean;
  /** X-Ray dropped segments because the trace exceeded its size limit. */
  limitExceeded: boolean;
  warnings: TraceWarning[];
}

/** A row of the Traces view, from GetTraceSummaries (or a local/file trace). */
export interface TraceSummary {
  id: string;
  startEpochMs: number;
  durationMs: number;
  responseTimeMs?: number;
  status: SpanStatus;
  hasError: boolean;
  hasFault: boolean;
  hasThrottle: boolean;
  isPartial: boolean;
  /** `GET /orders`, or the function / service name of the entry point. */
  entryPoint: string;
  http?: { method?: string; url?: string; status?: number };
  /** Service names in the trace. */
  services: string[];
  /** Unknown until the full trace is read, unless the producer said so. */
  coldStart?: boolean;
  /** Root-cause exception of the first fault or error, when the summary names one. */
  rootCause?: { service?: string; entity?: string; exceptionName?: string; message?: string };
}
