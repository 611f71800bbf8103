/**
 * Frame path → workspace path without a source map, and the guard that keeps a frame path from
 * opening anything outside the workspace. Pure string work; separators are normalized to `/`.
 */

export interface PathMappingVariables {
  workspaceFolder: string;
}

export interface SuffixMatch {
  path: string;
  /** Trailing path segments shared with the frame path (at least the file name). */
  matchedSegments: number;
}

/**
 * Applies `serverlessLens.source.pathMappings` (`{"/var/task/": "${workspaceFolder}/dist/"}`):
 * the longest matching prefix wins. Undefined when no prefix matches.
 */
export function applyPathMappings(path: string, mappings: Record<string, string>, variables: PathMappingVariables): string | undefined {
  const from = toSlashes(path);
  let best: [string, string] | undefined;
  for (const [prefix, target] of Object.entries(mappings)) {
    if (typeof target !== 'string' || prefix === '') continue;
    const normalizedPrefix = toSlashes(prefix);
    if (from.startsWith(normalizedPrefix) && (!best || normalizedPrefix.length > best[0].length)) best = [normalizedPrefix, target];
  }
  if (!best) return undefined;
  const target = toSlashes(best[1].split('${workspaceFolder}').join(variables.workspaceFolder));
  const rest = from.slice(best[0].length);
  // `/var/task` → `.../dist` must still insert the separator the user left out.
  const joined = target.endsWith('/') || rest.startsWith('/') || rest === '' ? target + rest : `${target}/${rest}`;
  return normalizePath(joined);
}

/**
 * Candidates ordered by how many trailing path segments they share with `framePath` (longest
 * first, ties keep input order); candidates that do not even share the file name are dropped.
 */
export function rankBySuffix(framePath: string, candidates: readonly string[]): SuffixMatch[] {
  const frameSegments = segmentsOf(framePath);
  const matches: SuffixMatch[] = [];
  for (const path of candidates) {
    const matchedSegments = sharedSuffix(frameSegments, segmentsOf(path));
    if (matchedSegments > 0) matches.push({ path, matchedSegments });
  }
  return matches.sort((a, b) => b.matchedSegments - a.matchedSegments);
}

function sharedSuffix(a: readonly string[], b: readonly string[]): number {
  let count = 0;
  while (count < a.length && count < b.length && a[a.length - 1 - count] === b[b.length - 1 - count]) count++;
  return count;
}

function segmentsOf(path: string): string[] {
  return normalizePath(path)
    .split('/')
    .filter((segment) => segment !== '' && !/^[A-Za-z]:$/.test(segment));
}

export interface InsideOptions {
  /** Compare case-insensitively; defaults to true for Windows drive paths, false otherwise. */
  caseInsensitive?: boolean;
}

/**
 * True when `path`, after resolving `.` and `..`, is one of `folders` or below one. A relative
 * path is never inside: frame paths are untrusted input and must name a file absolutely.
 */
export function isInside(path: string, folders: readonly string[], options: InsideOptions = {}): boolean {
  if (!isAbsolute(path)) return false;
  const target = normalizePath(path);
  return folders.some((folder) => {
    if (!isAbsolute(folder)) return false;
    const root = normalizePath(folder).replace(/\/+$/, '');
    const insensitive = options.caseInsensitive ?? (isDrivePath(target) || isDrivePath(root));
    const [t, r] = insensitive ? [target.toLowerCase(), root.toLowerCase()] : [target, root];
    return t === r || t.startsWith(r === '' ? '/' : `${r}/`);
  });
}

/** `/a/./b/../c` → `/a/c`, `\` → `/`; `..` never climbs above the root. */
export function normalizePath(path: string): string {
  const slashed = toSlashes(path);
  const drive = /^[A-Za-z]:/.exec(slashed)?.[0] ?? '';
  const rest = slashed.slice(drive.length);
  const absolute = rest.startsWith('/');
  const out: string[] = [];
  for (const segment of rest.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
    } else out.push(segment);
  }
  return `${drive}${absolute ? '/' : ''}${out.join('/')}`;
}

function toSlashes(path: string): string {
  return path.replace(/\\/g, '/');
}

function isDrivePath(path: string): boolean {
  return /^[A-Za-z]:\//.test(toSlashes(path));
}

function isAbsolute(path: string): boolean {
  return toSlashes(path).startsWith('/') || isDrivePath(path);
}

/**
 * The folder `/var/task/` stands for when a function is deployed as its source (Python, plain
 * JavaScript): the handler file minus the handler's module path. `src/app.handler` with the file
 * `/ws/fn/src/app.py` gives `/ws/fn/`. Undefined when the file does not end with the module path
 * (a bundled function, whose frames go through its source map instead).
 */
export function codeRootOf(handlerFile: string, handlerModule: string): string | undefined {
  const file = normalizePath(handlerFile);
  const withoutExtension = file.replace(/\.[^./]+$/, '');
  const module = normalizePath(handlerModule).replace(/^\.\//, '');
  if (module === '' || !withoutExtension.endsWith(`/${module}`)) {
    return undefined;
  }
  return withoutExtension.slice(0, withoutExtension.length - module.length);
}
