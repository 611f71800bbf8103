/**
 * Finds the files that describe serverless functions in the workspace: SAM/CloudFormation
 * templates, `serverless.yml`, and CDK cloud assembly manifests. The walk is bounded (depth,
 * skipped folders) because it runs on every workspace open, in monorepos with big trees.
 */
import { readdir } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';

export type ProjectFileKind = 'sam' | 'serverless' | 'cdk';

export interface ProjectFile {
  kind: ProjectFileKind;
  /** Absolute path (for CDK: the assembly's `manifest.json`). */
  path: string;
}

/** Build output, dependencies and tool state: never where users keep templates. */
const SKIPPED_DIRS = new Set([
  'node_modules', '.git', '.hg', '.svn', '.aws-sam', 'dist', '.serverless', '.esbuild', '.build', '.webpack',
  '.venv', 'venv', '__pycache__', '.tox', '.mypy_cache', '.pytest_cache', 'coverage', '.next', '.terraform', '.cache', '.idea', '.vscode',
]);

export const DEFAULT_MAX_DEPTH = 6;

const SAM_NAME = /^(?:template|[^/\\]+\.template)\.(?:ya?ml|json)$/i;
const SERVERLESS_NAME = /^serverless\.ya?ml$/i;

/** The kind of a project file by its path alone, or `undefined` when it is not one. */
export function classifyProjectFile(path: string): ProjectFileKind | undefined {
  const parts = resolve(path).split(sep);
  const name = parts[parts.length - 1] ?? '';
  const parent = parts[parts.length - 2];
  if (name === 'manifest.json' && parent === 'cdk.out') return 'cdk';
  // Everything else inside cdk.out, .aws-sam and friends is generated, not a source of truth.
  if (parts.slice(0, -1).some((part) => part === 'cdk.out' || SKIPPED_DIRS.has(part))) return undefined;
  if (SERVERLESS_NAME.test(name)) return 'serverless';
  if (SAM_NAME.test(name)) return 'sam';
  return undefined;
}

/** Whether a path lies inside one of the folders, within the walk's depth and outside skipped folders. */
export function isWithinWalk(path: string, folders: readonly string[], maxDepth: number): boolean {
  const absolute = resolve(path);
  return folders.some((folder) => {
    const rel = relative(resolve(folder), absolute);
    if (rel === '' || rel.startsWith('..') || resolve(folder, rel) !== absolute) return false;
    const dirs = rel.split(sep).slice(0, -1);
    return dirs.length <= maxDepth && !dirs.some((dir) => SKIPPED_DIRS.has(dir));
  });
}

async function walk(dir: string, depth: number, maxDepth: number, found: ProjectFile[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return; // vanished or unreadable: nothing to index there
  }
  const subdirs: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    // Symbolic links are not followed (isDirectory is false for them): no cycles, no escapes.
    if (entry.isDirectory()) {
      if (entry.name === 'cdk.out') subdirs.push(path);
      else if (!SKIPPED_DIRS.has(entry.name) && depth < maxDepth) subdirs.push(path);
    } else if (entry.isFile()) {
      const kind = classifyProjectFile(path);
      if (kind !== undefined) found.push({ kind, path });
    }
  }
  await Promise.all(subdirs.map((sub) => (basename(sub) === 'cdk.out' ? cdkManifest(sub, found) : walk(sub, depth + 1, maxDepth, found))));
}

async function cdkManifest(dir: string, found: ProjectFile[]): Promise<void> {
  try {
    const names = await readdir(dir);
    if (names.includes('manifest.json')) found.push({ kind: 'cdk', path: join(dir, 'manifest.json') });
  } catch {
    // no manifest: cdk synth has not run yet
  }
}

/** All project files under the folders (or under `within`, a sub-folder), sorted by path. */
export async function discoverProjectFiles(folders: readonly string[], maxDepth = DEFAULT_MAX_DEPTH, within?: string): Promise<ProjectFile[]> {
  const found: ProjectFile[] = [];
  const roots = within === undefined ? folders.map((f) => ({ dir: resolve(f), depth: 0 })) : rootsWithin(folders, resolve(within));
  await Promise.all(roots.map((root) => (basename(root.dir) === 'cdk.out' ? cdkManifest(root.dir, found) : walk(root.dir, root.depth, maxDepth, found))));
  const unique = new Map(found.map((file) => [file.path, file]));
  return [...unique.values()].sort((a, b) => a.path.localeCompare(b.path));
}

function rootsWithin(folders: readonly string[], dir: string): Array<{ dir: string; depth: number }> {
  const roots: Array<{ dir: string; depth: number }> = [];
  for (const folder of folders) {
    const rel = relative(resolve(folder), dir);
    if (rel.startsWith('..') || resolve(folder, rel) !== dir) continue;
    const parts = rel === '' ? [] : rel.split(sep);
    if (parts.some((part) => SKIPPED_DIRS.has(part))) continue;
    roots.push({ dir, depth: parts.length });
  }
  return roots;
}
