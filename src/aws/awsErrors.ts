/**
 * The one place that turns SDK, credential-provider and network errors into a kind the UI can
 * act on and a message that says what to do. Messages never contain credentials: text passed
 * through from AWS is scrubbed of access key ids, signatures and tokens.
 */

export type AwsErrorKind =
  | 'expiredCredentials'
  | 'missingCredentials'
  | 'accessDenied'
  | 'throttled'
  | 'network'
  | 'invalidRequest'
  | 'cancelled'
  | 'unknown';

export interface ClassifiedAwsError {
  kind: AwsErrorKind;
  /** User-facing; says what to do next. */
  message: string;
  /** For `accessDenied`: the IAM action that was refused, e.g. `xray:BatchGetTraces`. */
  missingAction?: string;
  cause: unknown;
}

export interface AwsErrorContext {
  /** SDK operation name, e.g. `GetTraceSummaries`. */
  operation?: string;
  profile?: string;
  isSsoProfile?: boolean;
}

interface ErrorFacts {
  name: string;
  message: string;
  status?: number;
  code?: string;
}

const EXPIRED_NAMES = new Set(['ExpiredTokenException', 'ExpiredToken', 'TokenRefreshRequired', 'RequestExpired', 'InvalidClientTokenId']);
const REJECTED_TOKEN_NAMES = new Set(['UnrecognizedClientException', 'InvalidSignatureException', 'SignatureDoesNotMatch', 'IncompleteSignature']);
const ACCESS_DENIED_NAMES = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'NotAuthorized']);
const THROTTLE_NAMES = new Set(['ThrottledException', 'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED', 'UND_ERR_CONNECT_TIMEOUT']);
const INVALID_NAMES = new Set(['InvalidRequestException', 'ValidationException', 'SerializationException', 'InvalidParameterException']);

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads name, message, HTTP status and system error code, looking one level into `cause`. */
function factsOf(error: unknown): ErrorFacts {
  if (typeof error !== 'object' || error === null) {
    return { name: 'Error', message: String(error) };
  }
  const e = error as { name?: unknown; message?: unknown; code?: unknown; Code?: unknown; __type?: unknown; $metadata?: { httpStatusCode?: unknown }; cause?: unknown };
  const cause = typeof e.cause === 'object' && e.cause !== null ? (e.cause as { code?: unknown; name?: unknown }) : undefined;
  const typeName = str(e.__type)?.split('#').pop();
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const code = str(e.code) ?? str(cause?.code);
  return {
    name: typeName ?? (str(e.name) !== 'Error' ? str(e.name) : undefined) ?? str(e.Code) ?? code ?? 'Error',
    message: str(e.message) ?? '',
    ...(status !== undefined ? { status } : {}),
    ...(code !== undefined ? { code } : {}),
  };
}

/** Removes anything that looks like a credential from text that came from elsewhere. */
export function scrubSecrets(text: string): string {
  return text
    .replace(/\b(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b/g, '[redacted-key-id]')
    .replace(/(Signature|Credential|X-Amz-Security-Token|X-Amz-Signature|SessionToken|aws_secret_access_key|aws_session_token)(["']?\s*[=:]\s*["']?)[^\s,;"'&]+/gi, '$1$2[redacted]')
    .replace(/\b[A-Za-z0-9+/]{40,}={0,2}/g, '[redacted]');
}

function profileLabel(context: AwsErrorContext): string {
  return context.profile && context.profile !== '' ? context.profile : 'default';
}

function looksLikeSsoExpiry(facts: ErrorFacts): boolean {
  const text = `${facts.name} ${facts.message}`;
  return /sso/i.test(text) && /(expired|refresh|invalid_grant|UnauthorizedException|token)/i.test(text);
}

function expired(facts: ErrorFacts, context: AwsErrorContext, cause: unknown): ClassifiedAwsError {
  const profile = profileLabel(context);
  if (context.isSsoProfile || looksLikeSsoExpiry(facts)) {
    return { kind: 'expiredCredentials', message: `The SSO session for profile '${profile}' has expired. Sign in again with \`aws sso login --profile ${profile}\`.`, cause };
  }
  if (REJECTED_TOKEN_NAMES.has(facts.name)) {
    return {
      kind: 'expiredCredentials',
      message: `AWS rejected the credentials of profile '${profile}' (${facts.name}): they are invalid or expired, or the system clock is wrong. Renew the credentials (for example with \`aws configure --profile ${profile}\`) and check the clock.`,
      cause,
    };
  }
  return {
    kind: 'expiredCredentials',
    message: `The AWS credentials for profile '${profile}' have expired. Renew them (a new session token, \`aws configure --profile ${profile}\`, or your credential process) and retry.`,
    cause,
  };
}

function missing(context: AwsErrorContext, cause: unknown): ClassifiedAwsError {
  const profile = profileLabel(context);
  if (context.isSsoProfile) {
    return { kind: 'missingCredentials', message: `Not signed in to SSO for profile '${profile}'. Run \`aws sso login --profile ${profile}\`.`, cause };
  }
  return {
    kind: 'missingCredentials',
    message: `No AWS credentials found for profile '${profile}'. Add them to ~/.aws/credentials (\`aws configure --profile ${profile}\`), set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or choose another profile.`,
    cause,
  };
}

/** CloudWatch Logs operations we call; every other operation is X-Ray's. */
const LOGS_OPERATIONS = new Set(['FilterLogEvents', 'GetLogEvents', 'StartQuery', 'GetQueryResults', 'StopQuery', 'StartLiveTail', 'DescribeLogGroups']);
/** Lambda operations we call (the log group of a function). */
const LAMBDA_OPERATIONS = new Set(['GetFunctionConfiguration']);

interface ServiceFacts {
  /** IAM prefix: `xray` or `logs`. */
  prefix: string;
  label: string;
  /** The AWS managed policy that grants reading. */
  policy: string;
  covers: string;
}

function serviceOf(operation: string | undefined): ServiceFacts {
  if (operation !== undefined && LAMBDA_OPERATIONS.has(operation)) {
    return { prefix: 'lambda', label: 'Lambda', policy: 'AWSLambda_ReadOnlyAccess', covers: 'reading function configurations' };
  }
  return operation !== undefined && LOGS_OPERATIONS.has(operation)
    ? { prefix: 'logs', label: 'CloudWatch Logs', policy: 'CloudWatchLogsReadOnlyAccess', covers: 'reading log events' }
    : { prefix: 'xray', label: 'X-Ray', policy: 'AWSXrayReadOnlyAccess', covers: 'reading traces' };
}

function accessDenied(facts: ErrorFacts, context: AwsErrorContext, cause: unknown): ClassifiedAwsError {
  const service = serviceOf(context.operation);
  const parsed = /not authorized to perform:?\s*([A-Za-z0-9-]+:[A-Za-z0-9*]+)/.exec(facts.message)?.[1];
  const action = parsed ?? (context.operation ? `${service.prefix}:${context.operation}` : undefined);
  const profile = profileLabel(context);
  const what = action ? `\`${action}\`` : `this ${service.label} action`;
  return {
    kind: 'accessDenied',
    message: `Access denied: profile '${profile}' is not allowed to call ${what}. Ask your administrator to grant ${what} (the AWS managed policy ${service.policy} covers ${service.covers}).`,
    ...(action ? { missingAction: action } : {}),
    cause,
  };
}

/**
 * `traces.fetchConcurrency` bounds only the X-Ray trace fetch; logs reads are one request at a
 * time per failure, so for them the only remedy is to back off.
 */
function throttled(context: AwsErrorContext, cause: unknown): ClassifiedAwsError {
  const service = serviceOf(context.operation);
  const what = context.operation !== undefined ? `${service.label} ${context.operation}` : service.label;
  const message =
    service.prefix === 'logs'
      ? `AWS is throttling ${what} requests (too many calls to CloudWatch Logs in this account and region). Back off: wait a few seconds, then try again.`
      : `AWS is throttling ${what} requests. Wait a moment and retry, or lower \`serverlessLens.traces.fetchConcurrency\`.`;
  return { kind: 'throttled', message, cause };
}

function isNetwork(facts: ErrorFacts): boolean {
  return (
    (facts.code !== undefined && NETWORK_CODES.has(facts.code)) ||
    NETWORK_CODES.has(facts.name) ||
    facts.name === 'TimeoutError' ||
    facts.name === 'RequestTimeout' ||
    /socket hang up|getaddrinfo|connect ECONN|network error/i.test(facts.message)
  );
}

function isMissingCredentials(facts: ErrorFacts): boolean {
  return (
    facts.name === 'CredentialsProviderError' ||
    facts.name === 'TokenProviderError' ||
    /could not load credentials|credentials? (?:is|are) missing|no credentials|unable to (?:load|find) credentials/i.test(facts.message)
  );
}

export function classifyAwsError(error: unknown, context: AwsErrorContext = {}): ClassifiedAwsError {
  const facts = factsOf(error);
  const operation = context.operation ?? 'The AWS request';
  if (facts.name === 'AbortError') {
    return { kind: 'cancelled', message: `${operation} was cancelled.`, cause: error };
  }
  if (EXPIRED_NAMES.has(facts.name) || REJECTED_TOKEN_NAMES.has(facts.name)) {
    return expired(facts, context, error);
  }
  if (isMissingCredentials(facts)) {
    // The SSO provider reports an expired or unusable cached token through the same error class.
    return looksLikeSsoExpiry(facts) ? expired(facts, { ...context, isSsoProfile: true }, error) : missing(context, error);
  }
  if (ACCESS_DENIED_NAMES.has(facts.name) || (facts.status === 403 && !/token|signature/i.test(facts.message))) {
    return accessDenied(facts, context, error);
  }
  if (THROTTLE_NAMES.has(facts.name) || facts.status === 429) {
    return throttled(context, error);
  }
  if (isNetwork(facts)) {
    const detail = facts.code ?? facts.name;
    return { kind: 'network', message: `Could not reach AWS (${detail}). Check your network connection, proxy, and the \`serverlessLens.aws.endpointUrl\` setting.`, cause: error };
  }
  if (INVALID_NAMES.has(facts.name) || facts.status === 400) {
    const detail = scrubSecrets(facts.message || facts.name);
    return { kind: 'invalidRequest', message: `${serviceOf(context.operation).label} rejected the request: ${detail}`, cause: error };
  }
  const detail = scrubSecrets(facts.message ? `${facts.name}: ${facts.message}` : facts.name);
  return { kind: 'unknown', message: `${operation} failed (${detail}). See the Serverless Lens log for details.`, cause: error };
}
