/**
 * How the Traces view's errors-only toggle and filter expression narrow the local traces. X-Ray
 * filter expressions are evaluated by the X-Ray service; locally there is no such engine, so the
 * expression is read as text: its quoted values (or the whole expression when it has none) must
 * appear in the trace's entry point, services, URL, root cause or id. Pure, unit-tested.
 */
import type { TraceSummary } from '../../shared/traceModel';

export interface LocalTraceFilter {
  errorsOnly: boolean;
  /** The Traces view's filter expression; `''` for none. */
  expression: string;
}

/** Matching terms of an expression: `service("orders") AND http.url CONTAINS "/pay"` → orders, /pay. */
export interface FilterTerms {
  terms: string[];
  /** True for `… OR …` / `… || …`: one term is enough. */
  any: boolean;
}

/**
 * The quoted strings of `expression`, lower-cased, without X-Ray type names (`AWS::Lambda::Function`
 * in `service(id(name: "f", type: "AWS::Lambda::Function"))` names the kind of node, not the trace).
 * An expression with no quoted string is one term, as typed.
 */
export function filterTerms(expression: string): FilterTerms {
  const trimmed = expression.trim();
  if (trimmed === '') {
    return { terms: [], any: false };
  }
  const quoted: string[] = [];
  const literal = /"((?:[^"\\]|\\.)*)"/g;
  for (let match = literal.exec(trimmed); match !== null; match = literal.exec(trimmed)) {
    quoted.push((match[1] as string).replace(/\\(.)/g, '$1'));
  }
  const outside = trimmed.replace(literal, ' ');
  const any = /\bOR\b|\|\|/i.test(outside);
  if (quoted.length === 0) {
    return { terms: [trimmed.toLowerCase()], any: false };
  }
  const terms = quoted.filter((term) => term.trim() !== '' && !/^AWS::/i.test(term)).map((term) => term.toLowerCase());
  return { terms, any };
}

/** The text of a summary a term may match. */
function haystack(summary: TraceSummary): string {
  const parts = [summary.id, summary.entryPoint, ...summary.services];
  if (summary.http?.url !== undefined) parts.push(summary.http.url);
  const cause = summary.rootCause;
  if (cause !== undefined) parts.push(cause.service ?? '', cause.entity ?? '', cause.exceptionName ?? '', cause.message ?? '');
  return parts.join('\n').toLowerCase();
}

export function matchesLocalFilter(summary: TraceSummary, filter: LocalTraceFilter, terms: FilterTerms = filterTerms(filter.expression)): boolean {
  if (filter.errorsOnly && summary.status === 'ok') {
    return false;
  }
  if (terms.terms.length === 0) {
    return true;
  }
  const text = haystack(summary);
  return terms.any ? terms.terms.some((term) => text.includes(term)) : terms.terms.every((term) => text.includes(term));
}

/** The summaries that pass, in the order given (newest first). */
export function filterLocalSummaries(summaries: readonly TraceSummary[], filter: LocalTraceFilter): TraceSummary[] {
  const terms = filterTerms(filter.expression);
  return summaries.filter((summary) => matchesLocalFilter(summary, filter, terms));
}
