/**
 * The text of the editor marks a live tail leaves: the inline result after a handler, and the
 * mark at the line a tailed stack trace points to. Pure, so what a user reads is table-tested.
 */
import { formatInvocationResult } from './invocationFacts';
import type { InvocationFacts } from './invocationFacts';
import type { ParsedFrame } from './stackFrames';
import type { ParsedLogLine } from '../shared/logModel';

/** Longest inline text; the hover has the rest. */
export const MAX_INLINE = 120;

export type ResultTone = 'ok' | 'warning' | 'error';

export interface InlineResultText {
  text: string;
  tone: ResultTone;
}

/** `✓ 182 ms · 96/512 MB · 2 s ago`, `✗ TypeError: boom · 5 s ago`, with the tone of its colour. */
export function inlineResultText(facts: InvocationFacts, now: number): InlineResultText {
  return { text: oneLine(formatInvocationResult(facts, now)), tone: toneOf(facts) };
}

export function toneOf(facts: InvocationFacts): ResultTone {
  switch (facts.verdict) {
    case 'ok':
      return 'ok';
    case 'nearTimeout':
    case 'nearMemoryLimit':
      return 'warning';
    default:
      return 'error';
  }
}

/** `5 s ago`, `3 min ago`, `2 h ago` (whole units, never negative). */
export function ageText(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** How long until an age text can change: every second for the first minute, then every minute. */
export function ageRefreshMs(at: number, now: number): number {
  const elapsed = Math.max(0, now - at);
  if (elapsed < 60_000) return 1000 - (elapsed % 1000) || 1000;
  if (elapsed < 3_600_000) return 60_000 - (elapsed % 60_000) || 60_000;
  return 3_600_000 - (elapsed % 3_600_000) || 3_600_000;
}

/** A stack a tailed line carries, with the error it belongs to. */
export interface LineStack {
  /** `TypeError: boom`, or the line's message when it names no error type. */
  title: string;
  /** Innermost first. */
  frames: readonly ParsedFrame[];
}

/** The stack of an `Invoke Error` line or of an app line that logged one; undefined otherwise. */
export function stackOfLine(line: ParsedLogLine): LineStack | undefined {
  if (line.kind === 'invokeError') {
    if (line.frames.length === 0) return undefined;
    return { title: errorTitle(line.errorType, line.errorMessage), frames: line.frames };
  }
  if (line.kind === 'app' && line.stack !== undefined && line.stack.length > 0) {
    return { title: errorTitle(line.errorType, line.message), frames: line.stack };
  }
  return undefined;
}

function errorTitle(type: string | undefined, message: string): string {
  const text = oneLine(message);
  if (type === undefined || type === '') return text === '' ? 'Error' : text;
  return text === '' || text.startsWith(type) ? type : `${type}: ${text}`;
}

/** `✗ TypeError: boom · 5 s ago` (the title cut so the whole fits {@link MAX_INLINE}). */
export function stackMarkText(title: string, at: number, now: number): string {
  const age = ageText(at, now);
  return `✗ ${truncate(title, MAX_INLINE - age.length - 5)} · ${age}`;
}

/** Whitespace runs (tabs, newlines) become one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function truncate(text: string, max = MAX_INLINE): string {
  const line = oneLine(text);
  return line.length <= max ? line : `${line.slice(0, Math.max(0, max - 1))}…`;
}

/** A key for a stack (same frames, same function: same resolution). */
export function stackKey(functionName: string | undefined, frames: readonly ParsedFrame[]): string {
  return `${functionName ?? ''}\n${frames.map((frame) => `${frame.path}:${frame.line ?? ''}:${frame.column ?? ''}`).join('\n')}`;
}
