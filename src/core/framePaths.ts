/**
 * Classifies and normalizes the paths that stack frames name, and builds frames from them. Pure
 * string work: the same rules apply to X-Ray frames, log stacks and pasted text.
 */
import type { FrameOrigin, ParsedFrame } from './stackFrames';

/**
 * Path shapes that belong to the Lambda runtime, Node/Python internals, layers or third-party
 * packages. "Go to source" skips them: the user cannot fix the line that threw there.
 */
const RUNTIME_PATTERNS: readonly RegExp[] = [
  /^\/var\/runtime\//,
  /^\/var\/lang\//,
  /^node:/,
  /^internal\//,
  /^<anonymous>$/,
  /^native$/,
  /^<frozen /,
  /^\/opt\//,
  /(^|[\\/])node_modules[\\/]/,
  /(^|[\\/])(site|dist)-packages[\\/]/,
  /^\/usr\/(local\/)?lib\/python/,
];

/** True when a frame path points into runtime, layer or library code. */
export function isRuntimePath(path: string): boolean {
  return RUNTIME_PATTERNS.some((pattern) => pattern.test(path));
}

/**
 * Turns `file:///var/task/index.mjs` into `/var/task/index.mjs` (ESM frames print URLs) and
 * leaves every other path as it is. Percent-escapes are decoded; a malformed escape keeps the
 * raw text rather than failing the whole stack.
 */
export function fileUrlToPath(path: string): string {
  if (!path.startsWith('file://')) return path;
  let rest = path.slice('file://'.length);
  // file://host/path is rare in stacks; only the local form matters here.
  if (!rest.startsWith('/')) rest = rest.slice(Math.max(rest.indexOf('/'), 0));
  // Windows file URLs: file:///C:/dir/x.js
  if (/^\/[A-Za-z]:\//.test(rest)) rest = rest.slice(1);
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest;
  }
}

/** Builds a frame, normalizing the path and classifying it once. */
export function makeFrame(path: string, origin: FrameOrigin, position: { line?: number; column?: number; label?: string }): ParsedFrame {
  const normalized = fileUrlToPath(path.trim());
  const frame: ParsedFrame = { path: normalized, origin, isRuntime: isRuntimePath(normalized) };
  if (position.line !== undefined && Number.isInteger(position.line) && position.line > 0) frame.line = position.line;
  if (position.column !== undefined && Number.isInteger(position.column) && position.column > 0) frame.column = position.column;
  if (position.label) frame.label = position.label;
  return frame;
}

/** `async handler` → `handler`; the SDK's `anonymous` placeholder → no label. */
export function stripAsync(label: string): string {
  const trimmed = label.trim().replace(/^async\s+/, '');
  return trimmed === 'anonymous' ? '' : trimmed;
}
