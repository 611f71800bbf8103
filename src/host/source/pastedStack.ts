import * as vscode from 'vscode';
import { parseLambdaErrorPayload } from '../../core/invokeErrorParser';
import { parseStackText } from '../../core/stackFrames';
import type { ParsedFrame } from '../../core/stackFrames';
import type { FunctionEntry } from '../../shared/projectModel';
import type { ProjectIndexService } from './projectIndexService';

export interface PastedStack {
  errorType?: string;
  message?: string;
  /** Innermost first. */
  frames: ParsedFrame[];
}

const TASK_ROOT = '/var/task/';

/**
 * A stack in any form users copy: an `Invoke Error` log line, a JSON error record or invoke
 * response, Node stack text, a Python traceback. Undefined when the text holds no frame.
 */
export function parsePastedStack(text: string): PastedStack | undefined {
  if (text.trim() === '') return undefined;
  const payload = parseLambdaErrorPayload(text);
  const stack = payload.frames.length > 0 ? undefined : parseStackText(text);
  const frames = payload.frames.length > 0 ? payload.frames : (stack?.frames ?? []);
  if (frames.length === 0) return undefined;
  const result: PastedStack = { frames };
  const errorType = payload.errorType ?? stack?.errorType;
  const message = payload.errorMessage ?? stack?.message;
  if (errorType !== undefined) result.errorType = errorType;
  if (message !== undefined) result.message = message;
  return result;
}

export type FunctionChoice = { entry: FunctionEntry | undefined } | 'cancelled';

/**
 * The function whose build the `/var/task` frames ran from. No question when the frames name
 * no bundle, when one function's bundle file has the frames' file name, or when only one
 * function has a build output; otherwise a QuickPick.
 */
export async function chooseFunction(index: ProjectIndexService, frames: readonly ParsedFrame[]): Promise<FunctionChoice> {
  const bundleNames = new Set(frames.filter((frame) => frame.path.startsWith(TASK_ROOT)).map((frame) => bundleBaseName(frame.path)));
  if (bundleNames.size === 0) return { entry: undefined };
  await index.ready();
  const built = index.snapshot().functions.filter((entry) => entry.buildDir !== undefined);
  const byBundle = built.filter((entry) => entry.bundleFile !== undefined && bundleNames.has(bundleBaseName(entry.bundleFile)));
  if (byBundle.length === 1) return { entry: byBundle[0] };
  const candidates = byBundle.length > 1 ? byBundle : built;
  if (candidates.length <= 1) return { entry: candidates[0] };
  const picked = await vscode.window.showQuickPick(
    candidates.map((entry) => ({ label: entry.functionName ?? entry.logicalId, description: vscode.workspace.asRelativePath(entry.templatePath), detail: entry.buildDir !== undefined ? vscode.workspace.asRelativePath(entry.buildDir) : undefined, entry })),
    { title: 'Which function produced this stack?', placeHolder: `Several functions could own ${[...bundleNames].join(', ')}` },
  );
  return picked === undefined ? 'cancelled' : { entry: picked.entry };
}

/** Compared by file name: `bundleFile` may be relative to buildDir or absolute. */
function bundleBaseName(bundleFile: string): string {
  return bundleFile.split(/[\\/]/).pop() ?? bundleFile;
}
