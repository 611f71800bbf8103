/**
 * The checks every strict parser of webview messages is made of (`parseTimelineToHost`,
 * `parseTailToHost`, `parseTimelineViewState`): what a webview posts is untrusted, so each field is checked for its type
 * and its bounds before the host reads it.
 */

/** The fields of a message: a plain object, not `null`, not an array. */
export function asMessage(raw: unknown): Record<string, unknown> | undefined {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
}

/** A string of at most `max` characters. */
export function isBoundedString(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length <= max;
}

/** A whole number from 0 up to, not including, `limit`; without a limit, any safe integer from 0. */
export function isIndex(value: unknown, limit = Number.POSITIVE_INFINITY): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value < limit;
}
