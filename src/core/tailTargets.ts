/**
 * What a tail needs to know of a function: its log group and that group's ARN (StartLiveTail
 * takes ARNs only). The ARN is built from the function's own ARN, which carries the partition,
 * region and account: Lambda writes to a group of the same account and region. Pure.
 */

/** StartLiveTail accepts at most 10 log groups per session (`aws/liveTail.ts` enforces it too). */
export const MAX_TAIL_LOG_GROUPS = 10;

const FUNCTION_ARN = /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]{1,140})(?::[A-Za-z0-9$_-]+)?$/;
const LOG_GROUP_NAME = /^[\w\-/.#]{1,512}$/;

export interface FunctionArnParts {
  partition: string;
  region: string;
  accountId: string;
  functionName: string;
}

/** The parts of a (possibly qualified) Lambda function ARN; undefined for anything else. */
export function parseFunctionArn(arn: string): FunctionArnParts | undefined {
  const match = FUNCTION_ARN.exec(arn.trim());
  if (match === null) return undefined;
  const [, partition, region, accountId, functionName] = match as unknown as [string, string, string, string, string];
  return { partition, region, accountId, functionName };
}

/**
 * `arn:<partition>:logs:<region>:<account>:log-group:<name>` (no trailing `:*`, as StartLiveTail
 * wants it). Undefined when the function ARN or the group name is not valid.
 */
export function logGroupArn(functionArn: string, logGroupName: string): string | undefined {
  const parts = parseFunctionArn(functionArn);
  if (parts === undefined || !LOG_GROUP_NAME.test(logGroupName)) return undefined;
  return logGroupArnFor(parts, logGroupName);
}

/** The ARN of `logGroupName` in the account and region of `parts`. */
export function logGroupArnFor(parts: Pick<FunctionArnParts, 'partition' | 'region' | 'accountId'>, logGroupName: string): string {
  return `arn:${parts.partition}:logs:${parts.region}:${parts.accountId}:log-group:${logGroupName}`;
}

/** The log group name of a log group ARN (with or without `:*`), or the text when it is a name. */
export function logGroupNameOfArn(identifier: string): string {
  const match = /^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:([^:*]+)(?::\*)?$/.exec(identifier);
  return match?.[1] ?? identifier;
}

export interface TailPick<T> {
  /** The first `MAX_TAIL_LOG_GROUPS` distinct log groups' items, in the order picked. */
  kept: T[];
  /** Items whose group did not fit. */
  dropped: T[];
}

/**
 * Splits picked functions at the Live Tail limit of 10 log groups: functions that share a group
 * (a custom group for several functions) count once.
 */
export function splitAtGroupLimit<T>(items: readonly T[], groupOf: (item: T) => string, limit = MAX_TAIL_LOG_GROUPS): TailPick<T> {
  const groups = new Set<string>();
  const kept: T[] = [];
  const dropped: T[] = [];
  for (const item of items) {
    const group = groupOf(item);
    if (groups.has(group) || groups.size < limit) {
      groups.add(group);
      kept.push(item);
    } else {
      dropped.push(item);
    }
  }
  return { kept, dropped };
}

/** The tab title: `Tail: fn-a, fn-b` (shortened past three names). */
export function tailTitle(functionNames: readonly string[]): string {
  if (functionNames.length <= 3) return `Tail: ${functionNames.join(', ')}`;
  return `Tail: ${functionNames.slice(0, 2).join(', ')} +${functionNames.length - 2}`;
}
