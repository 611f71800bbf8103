/**
 * The contract between the log tail (`TailSessions`, which owns the Live Tail sessions and the tail
 * view) and what reacts to tailed lines: inline results at the handler, stack-line marks, alert
 * rules, and the service map's "Tail Logs". Parsed once, here, for every consumer.
 */
import type * as vscode from 'vscode';
import type { TailLineInput } from '../../core/tailLines';

/** A function being tailed. */
export interface TailedFunction {
  functionName: string;
  logGroupName: string;
  /** The project index entry, when the function is one of the workspace's. */
  projectFunctionId?: string;
}

/** A tailed line as every consumer receives it. */
export interface TailLine extends TailLineInput {
  /** Epoch ms when the extension received the event (latency checks); set by `TailSession`. */
  receivedAt?: number;
}

export interface TailLinesEvent {
  sessionId: string;
  lines: readonly TailLine[];
}

export interface TailFeed {
  /** Batches of new lines (a few per second at most), after parsing, before the view's filter. */
  readonly onDidReceiveLines: vscode.Event<TailLinesEvent>;
  /** A tail started or stopped. */
  readonly onDidChangeSessions: vscode.Event<void>;
  /** Functions of every running tail. */
  activeFunctions(): TailedFunction[];
  /** Shows the tail view of `sessionId` with line `seq` selected (it may have scrolled out: says so). */
  revealLine(sessionId: string, seq: number): Promise<void>;
}

/** Arguments `serverlessLens.tailFunctionLogs` accepts from other features (map, lenses). */
export interface TailCommandArgs {
  functionNames?: string[];
}
