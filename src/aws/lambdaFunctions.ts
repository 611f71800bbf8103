/**
 * Lambda functions for the tail picker and the tail's targets: ListFunctions pages (an async
 * generator: the picker shows the first page while the next loads) and one function's tail
 * target (its log group, custom or default, and that group's ARN) from GetFunctionConfiguration.
 * The ARN is built from the function's ARN (`core/tailTargets.ts`): same partition, region and
 * account, so no extra permission is needed.
 */
import { GetFunctionConfigurationCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import type { FunctionConfiguration, LambdaClient } from '@aws-sdk/client-lambda';
import { defaultLogGroupName, isValidLogGroupName } from '../core/traceLogQuery';
import { logGroupArn } from '../core/tailTargets';
import { throwIfAborted } from './backoff';

/** What the picker and the tail need of one function. */
export interface LambdaFunctionInfo {
  functionName: string;
  functionArn: string;
  logGroupName: string;
  /** The group's ARN for StartLiveTail; undefined when the function ARN is malformed. */
  logGroupArn?: string;
  runtime?: string;
  timeoutMs?: number;
  memorySizeMb?: number;
}

/** Functions per ListFunctions page: the API's maximum. */
const PAGE_SIZE = 50;
/** A guard against a service (or an emulator) that keeps answering with the same marker. */
const MAX_PAGES = 400;

export function functionInfoOf(configuration: FunctionConfiguration, fallbackName?: string): LambdaFunctionInfo | undefined {
  const functionName = configuration.FunctionName ?? fallbackName;
  const functionArn = configuration.FunctionArn;
  if (functionName === undefined || functionArn === undefined) return undefined;
  const custom = configuration.LoggingConfig?.LogGroup?.trim();
  const logGroupName = custom !== undefined && custom !== '' && isValidLogGroupName(custom) ? custom : defaultLogGroupName(functionName);
  const info: LambdaFunctionInfo = { functionName, functionArn, logGroupName };
  const arn = logGroupArn(functionArn, logGroupName);
  if (arn !== undefined) info.logGroupArn = arn;
  if (configuration.Runtime !== undefined) info.runtime = configuration.Runtime;
  // Timeout is in seconds in the API.
  if (typeof configuration.Timeout === 'number' && configuration.Timeout > 0) info.timeoutMs = configuration.Timeout * 1000;
  if (typeof configuration.MemorySize === 'number') info.memorySizeMb = configuration.MemorySize;
  return info;
}

/** Pages of the account's functions in the client's region, until the last page or the abort. */
export async function* listFunctions(client: LambdaClient, signal: AbortSignal): AsyncGenerator<LambdaFunctionInfo[]> {
  let marker: string | undefined;
  const seen = new Set<string>();
  for (let page = 0; page < MAX_PAGES; page += 1) {
    throwIfAborted(signal);
    const output = await client.send(new ListFunctionsCommand({ MaxItems: PAGE_SIZE, ...(marker !== undefined ? { Marker: marker } : {}) }), { abortSignal: signal });
    const infos = (output.Functions ?? []).map((configuration) => functionInfoOf(configuration)).filter((info): info is LambdaFunctionInfo => info !== undefined);
    yield infos;
    const next = output.NextMarker;
    if (next === undefined || next === '' || seen.has(next)) return;
    seen.add(next);
    marker = next;
  }
}

/** One function's tail target; throws what the SDK threw (ResourceNotFound, AccessDenied, …). */
export async function readFunctionInfo(client: LambdaClient, functionName: string, signal: AbortSignal): Promise<LambdaFunctionInfo> {
  throwIfAborted(signal);
  const output = await client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }), { abortSignal: signal });
  const info = functionInfoOf(output, functionName);
  if (info === undefined) throw new Error(`Lambda returned no ARN for ${functionName}.`);
  return info;
}
