/**
 * The log group a Lambda function writes to: `LoggingConfig.LogGroup` from
 * GetFunctionConfiguration when the function has a custom one (advanced logging controls),
 * else `/aws/lambda/<name>`. Cached per connection: the factory's lifetime is the resolver's.
 */
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { defaultLogGroupName, functionNameOf, isValidLogGroupName } from '../core/traceLogQuery';
import type { AwsLogger } from './clientFactory';
import { isAbortError, throwIfAborted } from './backoff';

/**
 * The function's log group, read once from its configuration. Throws what the SDK threw
 * (ResourceNotFound, AccessDenied, …); `LogGroupResolver` turns those into the default group.
 */
export async function resolveLogGroup(lambdaClient: LambdaClient, functionName: string, signal: AbortSignal): Promise<string> {
  return (await readFunctionLogging(lambdaClient, functionName, signal)).logGroup;
}

/** What the logs views need from a function's configuration: its group and its timeout. */
export interface FunctionLogging {
  logGroup: string;
  timeoutMs?: number;
}

/** Reads the configuration once; throws what the SDK threw, as `resolveLogGroup`. */
export async function readFunctionLogging(lambdaClient: LambdaClient, functionName: string, signal: AbortSignal): Promise<FunctionLogging> {
  throwIfAborted(signal);
  const output = await lambdaClient.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }), { abortSignal: signal });
  const custom = output.LoggingConfig?.LogGroup?.trim();
  const logGroup = custom !== undefined && custom !== '' && isValidLogGroupName(custom) ? custom : defaultLogGroupName(output.FunctionName ?? functionName);
  // Timeout is in seconds in the API; the facts compare milliseconds.
  return typeof output.Timeout === 'number' && output.Timeout > 0 ? { logGroup, timeoutMs: output.Timeout * 1000 } : { logGroup };
}

/** Answers that will not change while the connection lasts: the default group is the answer. */
const SETTLED_FAILURES = new Set(['ResourceNotFoundException', 'AccessDeniedException', 'AccessDenied']);

function errorName(error: unknown): string {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : 'Error';
}

/**
 * Resolves and caches log groups for one connection. Missing functions and denied reads resolve
 * to the default group and are cached (logged once per kind: a trace with 40 functions and no
 * `lambda:GetFunctionConfiguration` should say so once, not 40 times). Transient failures also
 * give the default but are not cached, so a later trace can still find the custom group.
 */
export class LogGroupResolver {
  private readonly cache = new Map<string, Promise<string>>();
  private readonly reported = new Set<string>();
  private readonly settled = new Map<string, string>();
  private readonly timeouts = new Map<string, number>();

  constructor(
    private readonly client: () => LambdaClient,
    private readonly logger?: AwsLogger,
  ) {}

  /** The cached group, if resolved already (for the pure planner's `logGroupOf`). */
  peek(functionName: string): string | undefined {
    return this.settled.get(this.keyOf(functionName));
  }

  resolve(functionName: string, signal: AbortSignal): Promise<string> {
    const key = this.keyOf(functionName);
    let pending = this.cache.get(key);
    if (pending === undefined) {
      pending = this.load(key, functionName, signal);
      this.cache.set(key, pending);
    }
    return pending;
  }

  /** Resolves several functions; duplicates are asked once. */
  async resolveAll(functionNames: readonly string[], signal: AbortSignal): Promise<Map<string, string>> {
    const unique = [...new Set(functionNames)];
    const groups = await Promise.all(unique.map((name) => this.resolve(name, signal)));
    return new Map(unique.map((name, index) => [name, groups[index] ?? defaultLogGroupName(name)]));
  }

  /** The function's timeout in ms, once its configuration was read (undefined when denied). */
  timeoutOf(functionName: string): number | undefined {
    return this.timeouts.get(this.keyOf(functionName));
  }

  clear(): void {
    this.cache.clear();
    this.settled.clear();
    this.timeouts.clear();
  }

  private keyOf(functionName: string): string {
    return functionNameOf(functionName) ?? functionName.trim();
  }

  private async load(key: string, functionName: string, signal: AbortSignal): Promise<string> {
    try {
      const { logGroup, timeoutMs } = await readFunctionLogging(this.client(), functionName, signal);
      this.settled.set(key, logGroup);
      if (timeoutMs !== undefined) this.timeouts.set(key, timeoutMs);
      return logGroup;
    } catch (error) {
      const fallback = defaultLogGroupName(functionName);
      const name = errorName(error);
      if (isAbortError(error, signal)) {
        // The next caller has its own signal: do not hand it this one's abort.
        this.cache.delete(key);
        throw error;
      }
      if (SETTLED_FAILURES.has(name)) {
        this.settled.set(key, fallback);
        this.reportOnce(name, `[logs] using the default log group for Lambda functions (${name} on GetFunctionConfiguration for ${key})`);
      } else {
        this.cache.delete(key);
        this.logger?.warn(`[logs] could not read the logging configuration of ${key}, using ${fallback}: ${name}`);
      }
      return fallback;
    }
  }

  private reportOnce(kind: string, message: string): void {
    if (this.reported.has(kind)) return;
    this.reported.add(kind);
    this.logger?.info(message);
  }
}
