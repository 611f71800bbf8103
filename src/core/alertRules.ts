/**
 * Alert rules for live tails: the `serverlessLens.alerts.rules` setting compiled into matchers,
 * the excerpt a notification shows, and storm aggregation. Pure (the clock is injected), so a
 * storm of ten thousand lines is a table test, not a wait.
 *
 * Rate limiting, per rule: the first match notifies at once and opens a quiet window; further
 * matches inside it are only counted, and when the window closes ONE follow-up reports the count
 * (and opens the next window). A window with no further match ends the storm, so the next match
 * notifies at once again. A storm therefore raises at most 1 + duration / window notifications.
 */

/** The setting the rules come from, named in every problem report. */
export const ALERT_RULES_SETTING = 'serverlessLens.alerts.rules';

/** A rule as compiled from one valid setting item. */
export interface AlertRule {
  /** Index of the item in the setting (stable key while the setting is unchanged). */
  index: number;
  /** `name`, else the pattern as written. */
  name: string;
  pattern: RegExp;
  /** Function-name globs; undefined: every tailed function. */
  functions?: readonly RegExp[];
}

export interface CompiledAlertRules {
  rules: AlertRule[];
  /** One message per invalid item, naming the setting and the item; never thrown. */
  problems: string[];
}

/** Longest text a rule is tested against: a 256 KB error object should not cost a regex scan per rule. */
export const MAX_MATCHED_CHARS = 16_384;
/** Longest excerpt a notification shows. */
export const MAX_EXCERPT = 140;

/** Compiles the setting's value; anything malformed becomes a problem, never an exception. */
export function compileAlertRules(raw: unknown): CompiledAlertRules {
  if (raw === undefined || raw === null) return { rules: [], problems: [] };
  if (!Array.isArray(raw)) return { rules: [], problems: [`${ALERT_RULES_SETTING} must be a list of rules like {"pattern": "ERROR"}; alerts are off until it is.`] };
  const rules: AlertRule[] = [];
  const problems: string[] = [];
  raw.forEach((item: unknown, index) => {
    const result = compileRule(item, index);
    if (typeof result === 'string') problems.push(`${ALERT_RULES_SETTING}[${index}]: ${result}; that rule is ignored.`);
    else rules.push(result);
  });
  return { rules, problems };
}

function compileRule(item: unknown, index: number): AlertRule | string {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'must be an object with a "pattern"';
  const { pattern, functions, name } = item as Record<string, unknown>;
  if (typeof pattern !== 'string' || pattern.trim() === '') return '"pattern" must be a non-empty string';
  const regex = parsePattern(pattern);
  if (typeof regex === 'string') return `"pattern" ${JSON.stringify(pattern)} is not a valid regular expression (${regex})`;
  if (regex.test('')) return `"pattern" ${JSON.stringify(pattern)} matches every line`;
  const rule: AlertRule = { index, name: typeof name === 'string' && name.trim() !== '' ? name.trim() : pattern, pattern: regex };
  if (functions !== undefined) {
    if (!Array.isArray(functions) || functions.length === 0 || !functions.every((f) => typeof f === 'string' && f.trim() !== '')) {
      return '"functions" must be a non-empty list of function names (wildcards * and ?)';
    }
    rule.functions = functions.map((glob: string) => globToRegExp(glob.trim()));
  }
  return rule;
}

/**
 * `ERROR|Task timed out` is case-sensitive; `/error/i` is written as a literal with flags. Only
 * flags that change what matches are kept (`g` and `y` would make `test` stateful).
 */
export function parsePattern(pattern: string): RegExp | string {
  const literal = /^\/(.+)\/([a-z]*)$/s.exec(pattern.trim());
  const source = literal ? (literal[1] as string) : pattern;
  const flags = literal ? (literal[2] as string) : '';
  const unknown = flags.replace(/[imsu]/g, '');
  if (unknown.replace(/[gy]/g, '') !== '') return `unknown flag ${JSON.stringify(unknown)}; use i, m, s or u`;
  try {
    return new RegExp(source, [...new Set(flags.replace(/[gy]/g, ''))].join(''));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** `orders-*` → `^orders-.*$`; every other character is literal. */
export function globToRegExp(glob: string): RegExp {
  const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`);
}

/** Whether `rule` applies to `functionName` (lines of an unknown function match only global rules). */
export function ruleAppliesTo(rule: AlertRule, functionName: string | undefined): boolean {
  if (rule.functions === undefined) return true;
  return functionName !== undefined && rule.functions.some((glob) => glob.test(functionName));
}

export interface AlertMatch {
  rule: AlertRule;
  /** Where the match starts in the tested text. */
  at: number;
  length: number;
}

/** Every rule (in setting order) that matches `text` for `functionName`, with where it matched. */
export function matchLine(rules: readonly AlertRule[], functionName: string | undefined, text: string): AlertMatch[] {
  const tested = text.length > MAX_MATCHED_CHARS ? text.slice(0, MAX_MATCHED_CHARS) : text;
  const matches: AlertMatch[] = [];
  for (const rule of rules) {
    if (!ruleAppliesTo(rule, functionName)) continue;
    const found = rule.pattern.exec(tested);
    if (found) matches.push({ rule, at: found.index, length: found[0].length });
  }
  return matches;
}

/**
 * One line of at most `max` characters around the match: whitespace runs (tabs, newlines of a
 * multi-line event) become one space, and an ellipsis marks each cut side.
 */
export function lineExcerpt(text: string, at = 0, length = 0, max = MAX_EXCERPT): string {
  const from = Math.min(Math.max(0, at), text.length);
  const before = squash(text.slice(0, from)).trimStart();
  const hit = squash(text.slice(from, from + Math.max(0, length)));
  const whole = `${before}${hit}${squash(text.slice(from + Math.max(0, length)))}`.trimEnd();
  if (whole.length <= max) return whole;
  // Keep the start of the line when the match fits in it; otherwise show the match, a little
  // context before it, and as much after it as fits.
  if (before.length + hit.length <= max - 1) return `${whole.slice(0, max - 1).trimEnd()}…`;
  const start = Math.max(0, before.length - Math.max(0, Math.floor((max - hit.length) / 3)));
  const end = start + max - 2;
  return `…${whole.slice(start, end).trim()}${end < whole.length ? '…' : ''}`;
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/** A notification to raise. */
export type AlertNotice<T> = FirstAlert<T> | FollowUpAlert<T>;

export interface FirstAlert<T> {
  kind: 'first';
  rule: AlertRule;
  functionName: string;
  /** What the caller offered with the match (the tail line). */
  item: T;
}

export interface FollowUpAlert<T> {
  kind: 'followUp';
  rule: AlertRule;
  /** Matches counted in the window that just closed. */
  count: number;
  /** Functions of those matches, most matches first. */
  functions: string[];
  windowMs: number;
  /** The newest match of the window (its line is what "Open Log Line" shows). */
  latest: T;
  latestFunction: string;
}

interface RuleWindow<T> {
  rule: AlertRule;
  lengthMs: number;
  endsAt: number;
  count: number;
  perFunction: Map<string, number>;
  latest?: { item: T; functionName: string };
}

/**
 * Storm aggregation per rule. `offer` returns the first alert of a storm or nothing; `due` returns
 * the follow-ups whose window closed (the host calls it at `nextDueAt()`). Memory is one window
 * per rule, whatever the storm's size.
 */
export class AlertAggregator<T> {
  private readonly windows = new Map<number, RuleWindow<T>>();
  private closed: FollowUpAlert<T>[] = [];

  constructor(
    private readonly clock: () => number,
    private windowMs: number,
  ) {}

  /** New window length; running windows keep theirs. */
  setWindow(ms: number): void {
    this.windowMs = ms;
  }

  offer(rule: AlertRule, functionName: string, item: T): FirstAlert<T> | undefined {
    const now = this.clock();
    const open = this.windows.get(rule.index);
    if (open !== undefined && open.rule === rule && now < open.endsAt) {
      open.count++;
      open.perFunction.set(functionName, (open.perFunction.get(functionName) ?? 0) + 1);
      open.latest = { item, functionName };
      return undefined;
    }
    // A window that closed unnoticed (the host's timer was late) still gets its follow-up.
    if (open !== undefined && open.count > 0) this.closed.push(followUpOf(open));
    this.windows.set(rule.index, this.newWindow(rule, now));
    return { kind: 'first', rule, functionName, item };
  }

  /** Follow-ups of the windows that closed by now; windows with matches start the next window. */
  due(): FollowUpAlert<T>[] {
    const now = this.clock();
    const notices = this.closed;
    this.closed = [];
    for (const [key, window] of this.windows) {
      if (now < window.endsAt) continue;
      if (window.count === 0) {
        this.windows.delete(key);
        continue;
      }
      notices.push(followUpOf(window));
      this.windows.set(key, this.newWindow(window.rule, now));
    }
    return notices;
  }

  /** When `due()` has something to say next (epoch ms of the clock), or undefined when idle. */
  nextDueAt(): number | undefined {
    let next: number | undefined = this.closed.length > 0 ? this.clock() : undefined;
    for (const window of this.windows.values()) next = next === undefined ? window.endsAt : Math.min(next, window.endsAt);
    return next;
  }

  private newWindow(rule: AlertRule, now: number): RuleWindow<T> {
    return { rule, lengthMs: this.windowMs, endsAt: now + this.windowMs, count: 0, perFunction: new Map() };
  }

  /** Drops every window (rules changed, tails stopped). */
  reset(): void {
    this.windows.clear();
    this.closed = [];
  }
}

function followUpOf<T>(window: RuleWindow<T>): FollowUpAlert<T> {
  const functions = [...window.perFunction.entries()].sort((a, b) => b[1] - a[1]).map(([name]) => name);
  const latest = window.latest as { item: T; functionName: string };
  return { kind: 'followUp', rule: window.rule, count: window.count, functions, windowMs: window.lengthMs, latest: latest.item, latestFunction: latest.functionName };
}

/** `Alert 'errors': orders-fn: ERROR boom` */
export function firstAlertText(rule: AlertRule, functionName: string, excerpt: string): string {
  return `Alert '${rule.name}': ${functionName}: ${excerpt}`;
}

/** `12 more matches of 'errors' in orders-fn in the last 30 s` */
export function followUpText(notice: Pick<FollowUpAlert<unknown>, 'rule' | 'count' | 'functions' | 'windowMs'>): string {
  const shown = notice.functions.slice(0, 3).join(', ');
  const others = notice.functions.length > 3 ? ` and ${notice.functions.length - 3} more functions` : '';
  const matches = notice.count === 1 ? '1 more match' : `${notice.count} more matches`;
  return `${matches} of '${notice.rule.name}' in ${shown}${others} in the last ${windowText(notice.windowMs)}`;
}

function windowText(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 120 || seconds % 60 !== 0 ? `${seconds} s` : `${seconds / 60} min`;
}
