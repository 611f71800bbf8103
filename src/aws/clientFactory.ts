/**
 * One factory per connection (profile + region + endpoint URL): builds the AWS SDK clients with
 * the default credential chain, our user agent, a retry strategy that leaves throttling to us,
 * and a logging middleware that records operation, status and duration without secrets.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { XRayClient } from '@aws-sdk/client-xray';
import type { XRayClientConfig } from '@aws-sdk/client-xray';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { scrubSecrets } from './awsErrors';
import { backoffDelayMs } from './backoff';

export interface ConnectionSettings {
  /** Profile from the shared config files; empty or undefined uses the SDK default (AWS_PROFILE, then `default`). */
  profile?: string;
  /** Empty or undefined: the profile's region, then AWS_REGION / AWS_DEFAULT_REGION, then us-east-1. */
  region?: string;
  /** Custom endpoint (emulators, tests); empty or undefined uses the real AWS endpoints. */
  endpointUrl?: string;
}

export interface AwsLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface AwsClientFactoryOptions {
  /** Extension version for the user agent (`serverless-lens/<version>`). */
  extensionVersion?: string;
  /** Attempts per call for transient network and 5xx errors; default 3. */
  maxAttempts?: number;
}

export const DEFAULT_REGION = 'us-east-1';

type RetryStrategyV2 = Extract<NonNullable<XRayClientConfig['retryStrategy']>, { acquireInitialRetryToken: unknown }>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2['acquireInitialRetryToken']>>;
type RetryErrorInfo = Parameters<RetryStrategyV2['refreshRetryTokenForRetry']>[1];

function retryToken(count: number, delayMs: number): RetryToken {
  return { getRetryCount: () => count, getRetryDelay: () => delayMs };
}

/**
 * Retries transient network errors and 5xx answers, never throttling. Throttling is handled by
 * our callers (`backoff.ts`, the fetcher's adaptive concurrency): they see every concurrent call
 * and can slow all of them down, while SDK retries would multiply requests during a burst
 * (3 attempts × 4 calls in flight) and hide the throttling signal from the fetcher for seconds.
 */
class TransientOnlyRetryStrategy implements RetryStrategyV2 {
  constructor(private readonly maxAttempts: number) {}

  acquireInitialRetryToken(): Promise<RetryToken> {
    return Promise.resolve(retryToken(0, 0));
  }

  refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const retries = token.getRetryCount() + 1;
    const retryable = info.errorType === 'TRANSIENT' || info.errorType === 'SERVER_ERROR';
    if (!retryable || retries >= this.maxAttempts) {
      return Promise.reject(info.error ?? new Error('Not retryable'));
    }
    return Promise.resolve(retryToken(retries, backoffDelayMs(retries - 1, 100, 2000)));
  }

  recordSuccess(): void {}
}

const SECRET_HEADERS = new Set(['authorization', 'x-amz-security-token', 'x-amz-signature', 'x-amz-credential', 'cookie', 'proxy-authorization']);
const SECRET_QUERY = /^(x-amz-signature|x-amz-credential|x-amz-security-token|signature|awsaccesskeyid)$/i;

/** Header map for the log: secret values replaced, everything else kept for diagnosis. */
export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? '[redacted]' : scrubSecrets(value);
  }
  return out;
}

interface LoggableRequest {
  method: string;
  hostname: string;
  path: string;
  headers: Record<string, string>;
  query?: Record<string, string | string[] | null>;
}

function isLoggableRequest(value: unknown): value is LoggableRequest {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const r = value as Partial<LoggableRequest>;
  return typeof r.method === 'string' && typeof r.path === 'string' && typeof r.headers === 'object' && r.headers !== null;
}

function describeRequest(request: LoggableRequest): string {
  const query = Object.entries(request.query ?? {})
    .map(([key, value]) => `${key}=${SECRET_QUERY.test(key) ? '[redacted]' : String(value)}`)
    .join('&');
  const target = `${request.hostname}${request.path}${query ? `?${query}` : ''}`;
  return `${request.method} ${target} headers=${JSON.stringify(redactHeaders(request.headers))}`;
}

function statusOf(value: unknown): number | undefined {
  const status = (value as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

function operationName(commandName: string | undefined): string {
  return commandName ? commandName.replace(/Command$/, '') : 'request';
}

/** What the logging middleware needs of a client; the CloudWatch Logs client fits it too. */
type LoggableClient = Pick<XRayClient, 'middlewareStack'>;

/** Logs each call once (operation, status, duration) and each attempt at debug level, redacted. */
export function addLoggingMiddleware(client: LoggableClient, logger: AwsLogger): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = operationName(context.commandName);
      const started = performance.now();
      try {
        const result = await next(args);
        const attempts = result.output.$metadata.attempts ?? 1;
        logger.info(`[aws] ${operation} ${statusOf(result.output) ?? 200} in ${Math.round(performance.now() - started)} ms${attempts > 1 ? ` (${attempts} attempts)` : ''}`);
        return result;
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        const message = error instanceof Error ? scrubSecrets(error.message) : '';
        const status = statusOf(error);
        logger.warn(`[aws] ${operation} failed${status ? ` ${status}` : ''} ${name} in ${Math.round(performance.now() - started)} ms: ${message}`);
        throw error;
      }
    },
    { step: 'initialize', name: 'serverlessLensCallLogger', override: true },
  );
  // Runs per attempt, after signing: the place where secrets exist and must not leak.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (isLoggableRequest(args.request)) {
        logger.debug(`[aws] ${operationName(context.commandName)} → ${describeRequest(args.request)}`);
      }
      return next(args);
    },
    { step: 'deserialize', name: 'serverlessLensAttemptLogger', priority: 'low', override: true },
  );
}

export class AwsClientFactory {
  private xrayClient: XRayClient | undefined;
  private logsClient: CloudWatchLogsClient | undefined;
  private lambdaClient: LambdaClient | undefined;
  private regionPromise: Promise<string> | undefined;
  private disposed = false;

  constructor(
    readonly settings: Readonly<ConnectionSettings>,
    private readonly logger: AwsLogger,
    private readonly options: AwsClientFactoryOptions = {},
  ) {}

  /** The profile the credential chain uses. */
  profileName(): string {
    return nonEmpty(this.settings.profile) ?? nonEmpty(process.env.AWS_PROFILE) ?? 'default';
  }

  region(): Promise<string> {
    this.regionPromise ??= this.resolveRegion();
    return this.regionPromise;
  }

  private async resolveRegion(): Promise<string> {
    const fromSetting = nonEmpty(this.settings.region);
    if (fromSetting) {
      return fromSetting;
    }
    try {
      const { configFile } = await loadSharedConfigFiles({ ignoreCache: true });
      const fromProfile = nonEmpty(configFile[this.profileName()]?.region);
      if (fromProfile) {
        return fromProfile;
      }
    } catch (error) {
      this.logger.debug(`[aws] could not read the shared config file: ${error instanceof Error ? error.message : String(error)}`);
    }
    return nonEmpty(process.env.AWS_REGION) ?? nonEmpty(process.env.AWS_DEFAULT_REGION) ?? DEFAULT_REGION;
  }

  xray(): XRayClient {
    if (this.disposed) {
      throw new Error('AwsClientFactory was disposed: the connection changed.');
    }
    this.xrayClient ??= this.createXRay();
    return this.xrayClient;
  }

  /** CloudWatch Logs, with the same credentials, endpoint, retries and logging as `xray()`. */
  logs(): CloudWatchLogsClient {
    if (this.disposed) {
      throw new Error('AwsClientFactory was disposed: the connection changed.');
    }
    this.logsClient ??= this.createLogs();
    return this.logsClient;
  }

  /** Lambda (function configuration: the custom log group), configured like `xray()`. */
  lambda(): LambdaClient {
    if (this.disposed) {
      throw new Error('AwsClientFactory was disposed: the connection changed.');
    }
    this.lambdaClient ??= this.createLambda();
    return this.lambdaClient;
  }

  private createLambda(): LambdaClient {
    const client = new LambdaClient(this.commonConfig());
    addLoggingMiddleware(client, this.logger);
    this.logger.debug(`[aws] Lambda client for profile '${this.profileName()}'${this.endpointNote()}`);
    return client;
  }

  private createXRay(): XRayClient {
    const client = new XRayClient(this.commonConfig());
    addLoggingMiddleware(client, this.logger);
    this.logger.debug(`[aws] X-Ray client for profile '${this.profileName()}'${this.endpointNote()}`);
    return client;
  }

  private createLogs(): CloudWatchLogsClient {
    const client = new CloudWatchLogsClient(this.commonConfig());
    addLoggingMiddleware(client, this.logger);
    this.logger.debug(`[aws] CloudWatch Logs client for profile '${this.profileName()}'${this.endpointNote()}`);
    return client;
  }

  /** One configuration for every client, so they all sign, retry and time out alike. */
  private commonConfig(): XRayClientConfig {
    const endpoint = nonEmpty(this.settings.endpointUrl);
    const profile = nonEmpty(this.settings.profile);
    return {
      region: () => this.region(),
      // StartLiveTail carries the endpoint trait `hostPrefix: "stream-"` (older SDKs "streaming-"):
      // against a custom endpoint the SDK would call `stream-127.0.0.1` / `stream-localhost`, which
      // does not resolve. Emulators serve every operation on the one URL the user set.
      ...(endpoint ? { endpoint, disableHostPrefix: true } : {}),
      // ignoreCache: a new connection must see credentials the user just refreshed (aws sso login, edited files).
      credentials: fromNodeProviderChain({ ...(profile ? { profile } : {}), ignoreCache: true }),
      customUserAgent: `serverless-lens/${this.options.extensionVersion ?? 'dev'}`,
      retryStrategy: new TransientOnlyRetryStrategy(this.options.maxAttempts ?? 3),
      maxAttempts: this.options.maxAttempts ?? 3,
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    };
  }

  private endpointNote(): string {
    const endpoint = nonEmpty(this.settings.endpointUrl);
    return endpoint ? ` at ${endpoint}` : '';
  }

  dispose(): void {
    this.disposed = true;
    this.xrayClient?.destroy();
    this.xrayClient = undefined;
    this.logsClient?.destroy();
    this.logsClient = undefined;
    this.lambdaClient?.destroy();
    this.lambdaClient = undefined;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
