/**
 * From what a trace or a log says about a function (an ARN, a name, a log group) to the
 * functions of the project that could have produced it, best first. Generated names are only
 * known as patterns, so several functions may match; the ranking prefers exact names, then the
 * most specific pattern, then a logical id seen inside the name.
 */
import type { FunctionEntry } from '../shared/projectModel';

export type MatchReason = 'functionName' | 'namePattern' | 'logicalId';

export interface FunctionMatch {
  entry: FunctionEntry;
  reason: MatchReason;
  /** Higher is better; only comparable between matches of the same query. */
  score: number;
}

/**
 * The bare function name of `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]`,
 * of `/aws/lambda/<name>`, or of `<name>[:<alias or version>]`.
 */
export function functionNameOf(nameOrArn: string): string | undefined {
  const text = nameOrArn.trim();
  const arn = /(?:^|:)function:([^:/\s]+)/.exec(text);
  if (arn) return arn[1];
  if (text.startsWith('arn:')) return undefined; // an ARN of something other than a function
  const logGroup = /^\/aws\/lambda\/([^/\s]+)$/.exec(text);
  if (logGroup) return logGroup[1];
  const name = text.split(':')[0] ?? '';
  return /^[A-Za-z0-9_-]+$/.test(name) ? name : undefined;
}

/** How much of a pattern is fixed text: `^api-[A-Za-z0-9_-]+-orders$` counts `api--orders`. */
function patternSpecificity(pattern: string): number {
  return pattern.replace(/\[[^\]]*\][+*?]?/g, '').replace(/\\(.)/g, '$1').replace(/\(\?:|\)\?|[()^$+*?]/g, '').length;
}

/** Compiled patterns, shared across queries; a pattern that does not compile never matches. */
export class PatternCache {
  private readonly compiled = new Map<string, RegExp | null>();

  test(pattern: string, name: string): boolean {
    let re = this.compiled.get(pattern);
    if (re === undefined) {
      try {
        re = new RegExp(pattern);
      } catch {
        re = null;
      }
      this.compiled.set(pattern, re);
    }
    return re !== null && re.test(name);
  }
}

function scoreOf(entry: FunctionEntry, name: string, patterns: PatternCache): FunctionMatch | undefined {
  if (entry.functionName !== undefined && entry.functionName === name) return { entry, reason: 'functionName', score: 3000 };
  if (patterns.test(entry.namePattern, name)) return { entry, reason: 'namePattern', score: 2000 + patternSpecificity(entry.namePattern) };
  const index = name.toLowerCase().indexOf(entry.logicalId.toLowerCase());
  // A logical id of 3 characters or fewer would match by accident.
  if (entry.logicalId.length > 3 && index >= 0) return { entry, reason: 'logicalId', score: 1000 + entry.logicalId.length };
  return undefined;
}

/** Every function that could be the one named, best first (ties by id, so the order is stable). */
export function rankFunctions(entries: readonly FunctionEntry[], nameOrArn: string, patterns: PatternCache): FunctionMatch[] {
  const name = functionNameOf(nameOrArn);
  if (name === undefined) return [];
  const matches: FunctionMatch[] = [];
  for (const entry of entries) {
    const match = scoreOf(entry, name, patterns);
    if (match) matches.push(match);
  }
  return matches.sort((a, b) => b.score - a.score || a.entry.id.localeCompare(b.entry.id));
}
