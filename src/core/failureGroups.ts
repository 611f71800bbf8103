/**
 * Failures that threw at the same line with the same exception, counted together: what one
 * problem in the Problems view stands for. Pure, so the counting and wording are tested in Node.
 */
import { formatAge } from './functionStats';

export interface FailureLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, when known. */
  column?: number;
  /** True when the line was chosen among several candidates. */
  guess: boolean;
}

/** One failing invocation whose throwing line is known. */
export interface LocatedFailure<Detail> {
  traceId: string;
  endEpochMs: number;
  fault: boolean;
  exception: { type?: string; message?: string };
  location: FailureLocation;
  /** Whatever the caller keeps with it (the resolved frames); the newest failure's speaks for the group. */
  detail: Detail;
}

export interface FailureGroup<Detail> {
  /** The newest failure of the group. */
  latest: LocatedFailure<Detail>;
  /** Distinct traces behind the group: a trace refetched or seen twice counts once. */
  traceIds: Set<string>;
  /** True when any failure of the group was a fault (the worst wins the severity). */
  fault: boolean;
}

/** Groups by file, line, exception type and message; a group's newest failure leads it. */
export function groupFailures<Detail>(failures: Iterable<LocatedFailure<Detail>>): FailureGroup<Detail>[] {
  const groups = new Map<string, FailureGroup<Detail>>();
  for (const failure of failures) {
    const { type = '', message = '' } = failure.exception;
    const key = [failure.location.file, failure.location.line, type, message].join('\u0000');
    const group = groups.get(key);
    if (group === undefined) {
      groups.set(key, { latest: failure, traceIds: new Set([failure.traceId]), fault: failure.fault });
      continue;
    }
    group.traceIds.add(failure.traceId);
    group.fault ||= failure.fault;
    if (failure.endEpochMs > group.latest.endEpochMs) group.latest = failure;
  }
  return [...groups.values()];
}

/** `TypeError: Cannot read … (3 failures, last 4 min ago)`; one failure reads `(1 failure, 4 min ago)`. */
export function failureGroupMessage(group: FailureGroup<unknown>, nowMs: number): string {
  const { type, message } = group.latest.exception;
  const what = [type, message].filter((part) => part !== undefined && part !== '').join(': ') || (group.fault ? 'Fault' : 'Error');
  const count = group.traceIds.size;
  const age = formatAge(group.latest.endEpochMs, nowMs);
  const when = count === 1 ? `1 failure, ${age}` : `${count} failures, last ${age}`;
  const guess = group.latest.location.guess ? '; the line is a best guess' : '';
  return `${what} (${when}${guess})`;
}
