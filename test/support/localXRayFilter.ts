/**
 * A small subset of the X-Ray filter expression language for the local server: boolean keywords
 * (ok error fault throttle partial), `responsetime`/`duration`/`http.status` comparisons,
 * `http.url`/`http.method`/`user` string tests, `annotation.key [op value]`, `service("name")`,
 * combined with AND / OR / ! / parentheses. Anything else makes `compileFilter` return undefined
 * and the server answers with every trace (and records the expression).
 */
import type { DerivedTrace } from './localXRaySummaries';

export type TraceFilter = (trace: DerivedTrace) => boolean;

type Token = { kind: 'word' | 'number' | 'string' | 'op' | 'punct'; text: string };

class Unsupported extends Error {}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\d+(?:\.\d+)?)|"((?:[^"\\]|\\.)*)"|(!=|<=|>=|=|<|>)|([()!{},])|([A-Za-z_][\w.]*))/y;
  let index = 0;
  while (index < input.length) {
    if (/^\s*$/.test(input.slice(index))) {
      break;
    }
    pattern.lastIndex = index;
    const match = pattern.exec(input);
    if (!match) {
      throw new Unsupported(`unexpected text at ${index}`);
    }
    index = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: 'number', text: match[1] });
    else if (match[2] !== undefined) tokens.push({ kind: 'string', text: match[2].replace(/\\(.)/g, '$1') });
    else if (match[3] !== undefined) tokens.push({ kind: 'op', text: match[3] });
    else if (match[4] !== undefined) tokens.push({ kind: 'punct', text: match[4] });
    else if (match[5] !== undefined) tokens.push({ kind: 'word', text: match[5] });
  }
  return tokens;
}

function compare(left: number | string, op: string, right: number | string): boolean {
  switch (op) {
    case '=': return left === right;
    case '!=': return left !== right;
    case '<': return left < right;
    case '<=': return left <= right;
    case '>': return left > right;
    case '>=': return left >= right;
    case 'CONTAINS': return String(left).includes(String(right));
    case 'BEGINSWITH': return String(left).startsWith(String(right));
    case 'ENDSWITH': return String(left).endsWith(String(right));
    default: throw new Unsupported(op);
  }
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): TraceFilter {
    const filter = this.or();
    if (this.position < this.tokens.length) {
      throw new Unsupported('trailing tokens');
    }
    return filter;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(): Token {
    const token = this.tokens[this.position];
    if (!token) {
      throw new Unsupported('unexpected end');
    }
    this.position += 1;
    return token;
  }

  private isWord(text: string): boolean {
    const token = this.peek();
    return token?.kind === 'word' && token.text.toUpperCase() === text;
  }

  private or(): TraceFilter {
    const parts = [this.and()];
    while (this.isWord('OR')) {
      this.position += 1;
      parts.push(this.and());
    }
    return parts.length === 1 ? parts[0]! : (t) => parts.some((p) => p(t));
  }

  private and(): TraceFilter {
    const parts = [this.unary()];
    while (this.isWord('AND')) {
      this.position += 1;
      parts.push(this.unary());
    }
    return parts.length === 1 ? parts[0]! : (t) => parts.every((p) => p(t));
  }

  private unary(): TraceFilter {
    const token = this.peek();
    if (token?.kind === 'punct' && token.text === '!') {
      this.position += 1;
      const inner = this.unary();
      return (t) => !inner(t);
    }
    if (token?.kind === 'punct' && token.text === '(') {
      this.position += 1;
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    return this.primary();
  }

  private expect(text: string): void {
    const token = this.next();
    if (token.text !== text) {
      throw new Unsupported(`expected ${text}`);
    }
  }

  /** Optional `op value` after a keyword. */
  private comparison(): { op: string; value: string | number } | undefined {
    const token = this.peek();
    const isStringOp = token?.kind === 'word' && ['CONTAINS', 'BEGINSWITH', 'ENDSWITH'].includes(token.text.toUpperCase());
    if (token?.kind !== 'op' && !isStringOp) {
      return undefined;
    }
    this.position += 1;
    const value = this.next();
    if (value.kind !== 'number' && value.kind !== 'string' && !(value.kind === 'word' && /^(true|false)$/i.test(value.text))) {
      throw new Unsupported('bad value');
    }
    return { op: token!.text.toUpperCase(), value: value.kind === 'number' ? Number(value.text) : value.text };
  }

  private primary(): TraceFilter {
    const token = this.next();
    if (token.kind !== 'word') {
      throw new Unsupported(`unexpected ${token.text}`);
    }
    const word = token.text.toLowerCase();
    const flags: Record<string, TraceFilter> = {
      ok: (t) => t.status === 'ok',
      error: (t) => t.hasError,
      fault: (t) => t.hasFault,
      throttle: (t) => t.hasThrottle,
      partial: (t) => t.wire.IsPartial === true,
    };
    const flag = flags[word];
    if (flag) {
      return flag;
    }
    if (word === 'service') {
      return this.service();
    }
    if (word.startsWith('annotation.')) {
      return this.annotation(token.text.slice('annotation.'.length));
    }
    return this.field(word);
  }

  private service(): TraceFilter {
    this.expect('(');
    const name = this.next();
    if (name.kind !== 'string') {
      throw new Unsupported('service() needs a quoted name');
    }
    this.expect(')');
    if (this.peek()?.text === '{') {
      throw new Unsupported('service() { … } is not modelled');
    }
    return (t) => t.serviceNames.includes(name.text);
  }

  private annotation(key: string): TraceFilter {
    const cmp = this.comparison();
    if (!cmp) {
      return (t) => (t.annotations[key]?.length ?? 0) > 0;
    }
    return (t) => (t.annotations[key] ?? []).some((v) => compare(typeof v === 'boolean' ? String(v) : v, cmp.op, cmp.value));
  }

  private field(word: string): TraceFilter {
    const numeric: Record<string, (t: DerivedTrace) => number | undefined> = {
      responsetime: (t) => t.responseTime,
      duration: (t) => t.duration,
      'http.status': (t) => t.httpStatus,
    };
    const text: Record<string, (t: DerivedTrace) => string | undefined> = {
      'http.url': (t) => t.httpUrl,
      'http.method': (t) => t.httpMethod,
    };
    const cmp = this.comparison();
    const getNumber = numeric[word];
    const getText = text[word];
    if (cmp && getNumber && typeof cmp.value === 'number') {
      return (t) => { const v = getNumber(t); return v !== undefined && compare(v, cmp.op, cmp.value); };
    }
    if (cmp && getText && typeof cmp.value === 'string') {
      return (t) => { const v = getText(t); return v !== undefined && compare(v, cmp.op, cmp.value); };
    }
    if (cmp && word === 'user' && typeof cmp.value === 'string') {
      return (t) => t.users.some((u) => compare(u, cmp.op, cmp.value));
    }
    throw new Unsupported(`keyword ${word}`);
  }
}

/** A predicate for the expression, or undefined when it uses something this subset lacks. */
export function compileFilter(expression: string): TraceFilter | undefined {
  try {
    return new Parser(tokenize(expression)).parse();
  } catch (error) {
    if (error instanceof Unsupported) {
      return undefined;
    }
    throw error;
  }
}
