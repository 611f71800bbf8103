/**
 * How trace rows put numbers into words. Pure, so the Traces view, its tooltips and the test API
 * agree on one formatting.
 */
import type { SpanStatus } from '../../shared/traceModel';

/** `245 ms`, `1.24 s`, `12.3 s`, `2 min 3 s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    return '–';
  }
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 10_000) {
    return `${(ms / 1000).toFixed(2)} s`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** `just now`, `40 s ago`, `4 min ago`, `3 h ago`, `2 d ago`. */
export function formatAgo(thenMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (seconds < 10) {
    return 'just now';
  }
  if (seconds < 60) {
    return `${seconds} s ago`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ago`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    return `${hours} h ago`;
  }
  return `${Math.floor(hours / 24)} d ago`;
}

/** Words for a status, as screen readers and tooltips say it. */
export function statusWord(status: SpanStatus): string {
  switch (status) {
    case 'ok':
      return 'OK';
    case 'error':
      return 'Error (4xx)';
    case 'fault':
      return 'Fault (5xx)';
    case 'throttle':
      return 'Throttled (429)';
  }
}

export const COLD_START_MARK = '❄ cold start';

/** Shortens `text` to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
