/**
 * The shapes a log tail hands to its consumer, whichever way the events came (Live Tail's event
 * stream or FilterLogEvents polling).
 */
import type { ClassifiedAwsError } from './awsErrors';

export type TailSource = 'liveTail' | 'polling';

export interface TailEvent {
  /** Epoch milliseconds. */
  timestamp: number;
  /** Epoch milliseconds; Live Tail always sends it, the polling pager does not. */
  ingestionTime?: number;
  /** The log group ARN the caller passed (Live Tail answers with the same identifier). */
  logGroup: string;
  logStream: string;
  message: string;
  /** FilterLogEvents only: Live Tail events carry no id. */
  eventId?: string;
}

export interface TailBatchInfo {
  /** AWS sent a sample of the events (more than 500 per second matched) in this batch's span. */
  sampled: boolean;
  source: TailSource;
  /** Events dropped since the previous batch because the consumer fell behind the bound. */
  dropped: number;
}

export type TailReconnectReason = 'sessionTimeout' | 'streamingError' | 'streamEnded' | 'connectFailed';

/** Lifecycle of a tail, for a status bar: at most one state change per transition. */
export type TailState =
  | { status: 'connecting'; source: TailSource }
  | { status: 'live'; source: 'liveTail'; sessionId: string }
  | { status: 'reconnecting'; source: 'liveTail'; reason: TailReconnectReason; attempt: number; delayMs: number; message?: string }
  | { status: 'polling'; source: 'polling'; intervalMs: number; reason: 'requested' | 'liveTailUnavailable'; unavailable?: ClassifiedAwsError }
  | { status: 'stopped'; source: TailSource; error?: ClassifiedAwsError };
