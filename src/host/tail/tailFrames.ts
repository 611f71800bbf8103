/**
 * A stack frame clicked in the tail view: resolved with the "Go to source" resolver (source
 * maps, path mappings) for the function the line came from, the whole stack as evidence, as
 * `SourceNavigator.openStackFrame` does for the timeline's Logs tab (which needs a trace; a
 * tailed line has a function instead).
 */
import * as vscode from 'vscode';
import type { ParsedFrame } from '../../core/stackFrames';
import { UserFacingError } from '../commands/commandRunner';
import type { ProjectIndexService } from '../source/projectIndexService';
import type { SourceNavigator } from '../source/sourceNavigator';

export async function openTailFrame(navigator: SourceNavigator, index: ProjectIndexService, functionName: string | undefined, frames: readonly ParsedFrame[], frameIndex: number): Promise<void> {
  if (frames[frameIndex] === undefined) throw new UserFacingError('That stack frame has no path to open.');
  await index.ready();
  const entry = functionName !== undefined ? index.findFunction(functionName) : undefined;
  const result = (await navigator.resolveStack(frames, entry))[frameIndex];
  if (result?.resolved === undefined) throw new UserFacingError(`This frame does not resolve to a workspace file: ${result?.why ?? 'runtime or library code'}.`);
  await navigator.open(result.resolved.file, result.resolved.line);
  const where = `${vscode.workspace.asRelativePath(result.resolved.file)}:${result.resolved.line}`;
  vscode.window.setStatusBarMessage(result.resolved.guess ? `$(question) ${where} is a guess: ${result.resolved.reason ?? 'several lines were possible'}` : `$(go-to-file) ${where}`, 6000);
}
