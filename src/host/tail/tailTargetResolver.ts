/**
 * Function names → what a tail needs: the log group (custom logging configuration or
 * `/aws/lambda/<name>`) and its ARN, from GetFunctionConfiguration, cached per connection.
 * Functions picked from the account list already carry both and seed the cache.
 */
import { logGroupArnFor, parseFunctionArn } from '../../core/tailTargets';
import type { FunctionArnParts } from '../../core/tailTargets';
import { defaultLogGroupName } from '../../core/traceLogQuery';
import type { LambdaFunctionInfo } from '../../aws/lambdaFunctions';
import { UserFacingError } from '../commands/commandRunner';
import type { AwsConnection } from '../connection/awsConnection';
import type { ProjectIndexService } from '../source/projectIndexService';
import type { ComponentLogger } from '../logger';
import type { TailTarget } from './tailSession';
import { loadTailModules } from './tailModules';

interface ConnectionCache {
  infos: Map<string, Promise<LambdaFunctionInfo>>;
  /** Partition, region and account of any function seen on this connection. */
  account?: Pick<FunctionArnParts, 'partition' | 'region' | 'accountId'>;
}

export class TailTargetResolver {
  private readonly caches = new WeakMap<AwsConnection, ConnectionCache>();

  constructor(
    private readonly projectIndex: ProjectIndexService,
    private readonly log: ComponentLogger,
  ) {}

  /** Seeds the cache with functions the account listing returned. */
  remember(connection: AwsConnection, infos: readonly LambdaFunctionInfo[]): void {
    const cache = this.cacheOf(connection);
    for (const info of infos) {
      cache.infos.set(info.functionName, Promise.resolve(info));
      this.noteAccount(cache, info);
    }
  }

  /** Resolves every name; a function that cannot be resolved fails the whole call with a message saying why. */
  async resolve(connection: AwsConnection, functionNames: readonly string[], signal: AbortSignal): Promise<TailTarget[]> {
    const cache = this.cacheOf(connection);
    const { lambdaFunctions } = await loadTailModules();
    const settled = await Promise.allSettled(
      functionNames.map((name) => {
        let pending = cache.infos.get(name);
        if (pending === undefined) {
          pending = lambdaFunctions.readFunctionInfo(connection.lambdaClient(), name, connection.requestSignal(signal));
          cache.infos.set(name, pending);
          pending.then((info) => this.noteAccount(cache, info), () => cache.infos.delete(name));
        }
        return pending;
      }),
    );
    const targets: TailTarget[] = [];
    const failures: string[] = [];
    settled.forEach((result, index) => {
      const name = functionNames[index] as string;
      const target = result.status === 'fulfilled' ? this.targetOf(result.value) : this.fallbackTarget(cache, name, result.reason);
      if (target !== undefined) targets.push(target);
      else failures.push(`${name} (${errorName(result.status === 'rejected' ? result.reason : undefined)})`);
    });
    if (signal.aborted) throw signal.reason ?? new Error('cancelled');
    if (failures.length > 0) {
      throw new UserFacingError(
        `Could not find the log group of ${failures.join(', ')}. Serverless Lens reads it with lambda:GetFunctionConfiguration in region ${await connection.region().catch(() => '(unknown)')}; check the function name, the region and the IAM policy.`,
      );
    }
    return targets;
  }

  private targetOf(info: LambdaFunctionInfo): TailTarget | undefined {
    if (info.logGroupArn === undefined) return undefined;
    const target: TailTarget = { functionName: info.functionName, logGroupName: info.logGroupName, logGroupArn: info.logGroupArn };
    const entry = this.projectIndex.findFunction(info.functionName);
    if (entry !== undefined) target.projectFunctionId = entry.id;
    return target;
  }

  /**
   * A function whose configuration cannot be read: its default group (or the template's literal
   * group) in the account of another function of this connection, when one was seen.
   */
  private fallbackTarget(cache: ConnectionCache, name: string, reason: unknown): TailTarget | undefined {
    this.log.warn(`GetFunctionConfiguration failed for ${name}: ${errorName(reason)}`);
    if (cache.account === undefined || errorName(reason) === 'ResourceNotFoundException') return undefined;
    const entry = this.projectIndex.findFunction(name);
    const logGroupName = entry?.logGroup ?? defaultLogGroupName(name);
    const target: TailTarget = { functionName: name, logGroupName, logGroupArn: logGroupArnFor(cache.account, logGroupName) };
    if (entry !== undefined) target.projectFunctionId = entry.id;
    return target;
  }

  private noteAccount(cache: ConnectionCache, info: LambdaFunctionInfo): void {
    const parts = parseFunctionArn(info.functionArn);
    if (parts !== undefined) cache.account = { partition: parts.partition, region: parts.region, accountId: parts.accountId };
  }

  private cacheOf(connection: AwsConnection): ConnectionCache {
    let cache = this.caches.get(connection);
    if (cache === undefined) {
      cache = { infos: new Map() };
      this.caches.set(connection, cache);
    }
    return cache;
  }
}

function errorName(error: unknown): string {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : 'Error';
}
