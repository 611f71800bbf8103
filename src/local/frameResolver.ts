/**
 * Stack frame → workspace file and line. A `/var/task/<bundle>` frame goes to the function's
 * build output (the caller passes `buildDir`, from the project index), through its source map to
 * the original file, which must lie inside a workspace folder. Frames that already name original
 * files (`--enable-source-maps`, Python) and frames without a map go through
 * `serverlessLens.source.pathMappings`, then ranking by shared path suffix over known files.
 * A frame path never opens a file outside the workspace folders.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileUrlToPath } from '../core/framePaths';
import { applyPathMappings, isInside, normalizePath, rankBySuffix } from '../core/pathMapping';
import type { LineEvidence } from '../core/sourceMapResolver';
import type { ParsedFrame } from '../core/stackFrames';
import type { SourceMapStore } from './sourceMapStore';

const TASK_ROOT = '/var/task/';
const BUNDLE_EXTENSIONS = /\.(?:js|mjs|cjs)$/;

export interface FrameResolverContext {
  store: SourceMapStore;
  workspaceFolders: readonly string[];
  /** The function's build output (`.aws-sam/build/<LogicalId>`), when the project index knows it. */
  buildDir?: string;
  /** The folder `/var/task/` stands for when the function runs unbundled (see `codeRootOf`). */
  codeRoot?: string;
  /** `serverlessLens.source.pathMappings`; `${workspaceFolder}` is the first workspace folder. */
  pathMappings?: Record<string, string>;
  /** Workspace files to rank by path suffix when nothing else maps a frame. */
  workspaceFiles?: readonly string[];
  /** Frames with columns from the log stack of the same request: evidence for X-Ray frames. */
  evidenceFrames?: readonly ParsedFrame[];
}

export interface ResolvedLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, when known. */
  column?: number;
  guess: boolean;
  reason?: string;
  /** Original lines the frame could have meant (column-less frames of minified bundles). */
  candidates?: number;
}

export interface FrameResolution {
  frame: ParsedFrame;
  resolved?: ResolvedLocation;
  skipped?: 'runtime';
  /** Why the frame did not resolve, or what was tried first. */
  why?: string;
}

export async function resolveFrames(frames: readonly ParsedFrame[], context: FrameResolverContext): Promise<FrameResolution[]> {
  return Promise.all(frames.map((frame, index) => resolveFrame(frame, context, { index, stack: frames })));
}

/** Where a frame sits in its stack (innermost first): pairs X-Ray frames with log frames. */
export interface StackPosition {
  index: number;
  stack: readonly ParsedFrame[];
}

export async function resolveFrame(frame: ParsedFrame, context: FrameResolverContext, position: StackPosition = { index: -1, stack: [] }): Promise<FrameResolution> {
  if (frame.isRuntime) return { frame, skipped: 'runtime', why: 'runtime or library code' };
  if (frame.line === undefined) {
    // aws-xray-sdk-core splits ESM frames (`file:///…:1:2`) at ':' and keeps only "file".
    const sdkQuirk = frame.origin === 'xray' && frame.path === 'file' ? ' (the X-Ray SDK dropped the path of an ESM file:// frame)' : '';
    return { frame, why: `the frame has no line number${sdkQuirk}` };
  }
  const path = fileUrlToPath(frame.path);
  let why: string | undefined;
  if (context.buildDir !== undefined && path.startsWith(TASK_ROOT) && BUNDLE_EXTENSIONS.test(path)) {
    const viaMap = await throughSourceMap(frame, path, context, position);
    if (viaMap.resolved) return viaMap;
    why = viaMap.why;
  }
  const direct = await withoutMap(frame, path, context);
  if (direct.resolved) return direct;
  return { frame, why: [why, direct.why].filter((part) => part !== undefined).join('; ') };
}

async function throughSourceMap(frame: ParsedFrame, path: string, context: FrameResolverContext, position: StackPosition): Promise<FrameResolution> {
  const buildDir = normalizePath(context.buildDir ?? '');
  const bundle = normalizePath(join(buildDir, path.slice(TASK_ROOT.length)));
  // `/var/task/../../etc/x.js` must not climb out of the build output.
  if (!isInside(bundle, [buildDir])) return { frame, why: `${path} is outside the function's build output` };
  const line = frame.line ?? 1;
  // Best first: the exact (line, column) mapping when the frame has a column; else (or when that
  // position has no mapping) the line's candidates weighed by the log stack's columns, then the label.
  let result = frame.column !== undefined ? await context.store.resolve(bundle, line, frame.column) : undefined;
  if (result?.resolution === undefined) {
    const exactWhy = result?.why;
    result = await context.store.resolve(bundle, line, undefined, evidenceFor(frame, position, context.evidenceFrames ?? []));
    if (!result.resolution) return { frame, why: [...new Set([exactWhy, result.why ?? 'no mapping'].filter((part) => part !== undefined))].join('; ') };
  }
  const { source, guess, reason, candidates } = result.resolution;
  const file = await toWorkspaceFile(source, context);
  if (!file) return { frame, why: `the source map points to ${source}, which is not a file in the workspace folders` };
  const resolved: ResolvedLocation = { file, line: result.resolution.line, guess, reason, candidates };
  if (result.resolution.column !== undefined) resolved.column = result.resolution.column;
  return { frame, resolved };
}

/**
 * What else tells where a column-less frame is: its label, the frame it called, and the columns
 * of the log-stack frames that stand for the same call.
 */
export function evidenceFor(frame: ParsedFrame, position: StackPosition, logFrames: readonly ParsedFrame[]): LineEvidence {
  const { index, stack } = position;
  const callee = index > 0 ? stack[index - 1]?.label : undefined;
  const evidence: LineEvidence = { ...(frame.label ? { label: frame.label } : {}), ...(callee ? { callee } : {}), innermost: index === 0 };
  const same = logFrames.filter((f) => f.column !== undefined && fileUrlToPath(f.path) === fileUrlToPath(frame.path) && f.line === frame.line);
  if (same.length === 0) return evidence;
  // X-Ray SDKs copy the error's own stack, so the frame at the same index is the same call.
  const aligned = logFrames[index];
  const chosen = aligned !== undefined && same.includes(aligned) ? [aligned] : same.filter((f) => f.label === frame.label);
  const columns = (chosen.length > 0 ? chosen : same).map((f) => f.column ?? 0);
  return { ...evidence, columns };
}

async function withoutMap(frame: ParsedFrame, path: string, context: FrameResolverContext): Promise<FrameResolution> {
  const line = frame.line ?? 1;
  const column = frame.column !== undefined ? { column: frame.column } : {};
  if (context.codeRoot !== undefined && path.startsWith(TASK_ROOT)) {
    const inCode = normalizePath(join(context.codeRoot, path.slice(TASK_ROOT.length)));
    if (isInside(inCode, [context.codeRoot]) && isInside(inCode, context.workspaceFolders) && (await isFile(inCode))) {
      return { frame, resolved: { file: inCode, line, ...column, guess: false, reason: "the function's code folder" } };
    }
  }
  const folder = context.workspaceFolders[0];
  const mapped = context.pathMappings && folder !== undefined ? applyPathMappings(path, context.pathMappings, { workspaceFolder: folder }) : undefined;
  if (mapped !== undefined && isInside(mapped, context.workspaceFolders) && (await isFile(mapped))) {
    return { frame, resolved: { file: mapped, line, ...column, guess: false, reason: 'serverlessLens.source.pathMappings' } };
  }
  if (isInside(path, context.workspaceFolders) && (await isFile(path))) {
    return { frame, resolved: { file: normalizePath(path), line, ...column, guess: false, reason: 'the frame names a workspace file' } };
  }
  const ranked = rankInside(path, context);
  const best = ranked[0];
  if (!best) return { frame, why: `no workspace file matches ${path}` };
  const tie = ranked[1]?.matchedSegments === best.matchedSegments;
  const reason = `matched ${best.matchedSegments} trailing path segment${best.matchedSegments === 1 ? '' : 's'}${tie ? ` (${ranked.filter((r) => r.matchedSegments === best.matchedSegments).length} files tie)` : ''}`;
  return { frame, resolved: { file: best.path, line, ...column, guess: tie || best.matchedSegments < 2, reason, candidates: ranked.length } };
}

function rankInside(path: string, context: FrameResolverContext): ReturnType<typeof rankBySuffix> {
  const files = (context.workspaceFiles ?? []).filter((file) => isInside(file, context.workspaceFolders));
  return rankBySuffix(path, files);
}

/** A map source (absolute path, `file://` URL or bundler URL) → a workspace file, or undefined. */
async function toWorkspaceFile(source: string, context: FrameResolverContext): Promise<string | undefined> {
  const path = fileUrlToPath(source);
  if (!/^[a-z][a-z0-9+.-]+:/i.test(path) && isInside(path, context.workspaceFolders) && (await isFile(path))) return normalizePath(path);
  // `webpack:///./src/x.ts`, or a map built on another machine: match by suffix instead.
  const withoutScheme = path.replace(/^[a-z][a-z0-9+.-]+:\/*/i, '/');
  const best = rankInside(withoutScheme, context)[0];
  return best !== undefined && best.matchedSegments >= 2 ? best.path : undefined;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
