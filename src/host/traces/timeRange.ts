/**
 * Time ranges of the Traces view: "last N minutes" (moves with the clock on every refresh) or an
 * absolute start and end. Pure, so the parsing of what users type is unit-tested in plain Node.
 */

export type TimeRange = { kind: 'last'; minutes: number } | { kind: 'absolute'; startMs: number; endMs: number };

/** The picker's presets, in minutes. */
export const TIME_RANGE_PRESETS: readonly number[] = [5, 15, 30, 60, 180, 360, 720, 1440];

/** X-Ray keeps traces for 30 days; older ranges can only come back empty. */
export const MAX_LOOKBACK_MINUTES = 30 * 24 * 60;

const UNIT_MINUTES: Record<string, number> = { m: 1, min: 1, mins: 1, minute: 1, minutes: 1, h: 60, hr: 60, hrs: 60, hour: 60, hours: 60, d: 1440, day: 1440, days: 1440 };
const DURATION_PART = /(\d+(?:\.\d+)?)\s*([a-z]+)/g;

/**
 * Minutes in `90m`, `2h`, `1h30m`, `1.5 h`, `3 days`, `last 2 hours` or a bare number (minutes).
 * `undefined` when the text is not a duration or is out of 1 min … 30 days.
 */
export function parseDuration(text: string): number | undefined {
  const cleaned = text.trim().toLowerCase().replace(/^last\s+/, '');
  if (cleaned === '') {
    return undefined;
  }
  let minutes: number;
  if (/^\d+(?:\.\d+)?$/.test(cleaned)) {
    minutes = Number(cleaned);
  } else {
    minutes = 0;
    let consumed = '';
    for (const match of cleaned.matchAll(DURATION_PART)) {
      const unit = UNIT_MINUTES[match[2] ?? ''];
      if (unit === undefined) {
        return undefined;
      }
      minutes += Number(match[1]) * unit;
      consumed += match[0];
    }
    // Everything but spaces must have been a number+unit pair ("2h garbage" is not a duration).
    if (consumed.replace(/\s/g, '') !== cleaned.replace(/\s/g, '')) {
      return undefined;
    }
  }
  minutes = Math.round(minutes);
  return minutes >= 1 && minutes <= MAX_LOOKBACK_MINUTES ? minutes : undefined;
}

/** Epoch ms of an ISO 8601 date-time (`2026-11-22T06:00`, `2026-11-22 06:00Z`), or `undefined`. */
export function parseInstant(text: string): number | undefined {
  const trimmed = text.trim();
  // Date.parse accepts many odd forms ("1", "March"); insist on a calendar date first.
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i.test(trimmed)) {
    return undefined;
  }
  const ms = Date.parse(trimmed.replace(' ', 'T'));
  return Number.isFinite(ms) ? ms : undefined;
}

/** Why an absolute range cannot be searched, or `undefined` when it can. */
export function checkAbsoluteRange(startMs: number, endMs: number, nowMs: number): string | undefined {
  if (endMs <= startMs) {
    return 'The end must be after the start.';
  }
  if (startMs > nowMs) {
    return 'The start is in the future.';
  }
  if (startMs < nowMs - MAX_LOOKBACK_MINUTES * 60_000) {
    return 'X-Ray keeps traces for 30 days: choose a start within the last 30 days.';
  }
  return undefined;
}

/** The window to search, given the clock. */
export function resolveTimeRange(range: TimeRange, nowMs: number): { start: Date; end: Date } {
  if (range.kind === 'last') {
    return { start: new Date(nowMs - range.minutes * 60_000), end: new Date(nowMs) };
  }
  return { start: new Date(range.startMs), end: new Date(Math.min(range.endMs, nowMs)) };
}

/** `Last 15 min`, `Last 2 h`, `Last 1 h 30 min`, `Last 3 d`, or `06:00–07:30, 22 Nov` style. */
export function describeTimeRange(range: TimeRange): string {
  if (range.kind === 'last') {
    return `Last ${formatMinutes(range.minutes)}`;
  }
  return `${formatInstant(range.startMs)} – ${formatInstant(range.endMs)}`;
}

export function formatMinutes(minutes: number): string {
  if (minutes % 1440 === 0) {
    return `${minutes / 1440} d`;
  }
  if (minutes < 60) {
    return `${minutes} min`;
  }
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** Local `YYYY-MM-DD HH:mm`: the user reads their own clock; the tooltip shows ISO UTC. */
export function formatInstant(ms: number): string {
  const date = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Reads a range back from workspace state (older or hand-edited state is untrusted). */
export function parseStoredTimeRange(value: unknown): TimeRange | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const record = value as Record<string, unknown>;
  if (record.kind === 'last' && typeof record.minutes === 'number' && record.minutes >= 1 && record.minutes <= MAX_LOOKBACK_MINUTES) {
    return { kind: 'last', minutes: Math.round(record.minutes) };
  }
  if (record.kind === 'absolute' && typeof record.startMs === 'number' && typeof record.endMs === 'number' && record.endMs > record.startMs) {
    return { kind: 'absolute', startMs: record.startMs, endMs: record.endMs };
  }
  return undefined;
}
