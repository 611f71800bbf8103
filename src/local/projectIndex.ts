/**
 * The project index: every Lambda function the workspace defines (SAM, Serverless Framework,
 * CDK), with its deployed name pattern, handler source, and build output. The host builds one per
 * window and calls `refresh(path)` from a FileSystemWatcher; only the sources a change touches
 * are read again. Refreshes run one at a time, so a burst of watcher events cannot interleave.
 */
import { stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { FunctionEntry, ParsedFunction, ProjectIndexSnapshot, ProjectWarning } from '../shared/projectModel';
import { PatternCache, rankFunctions } from './functionMatch';
import type { FunctionMatch } from './functionMatch';
import { DEFAULT_MAX_DEPTH, classifyProjectFile, discoverProjectFiles, isWithinWalk } from './projectDiscovery';
import type { ProjectFile } from './projectDiscovery';
import { FileProbe, parseProjectFile, resolveOnDisk } from './projectResolve';

export interface ProjectIndexOptions {
  /** Folder depth of the template search below each workspace folder (default 6). */
  maxDepth?: number;
}

interface SourceState {
  file: ProjectFile;
  /** What the template says, kept so a build or handler file appearing needs no re-parse. */
  parsed: ParsedFunction[];
  functions: FunctionEntry[];
  warnings: ProjectWarning[];
  /** Files whose change re-reads this source: the source, its samconfig, CDK stack templates. */
  dependencies: Set<string>;
  /** Files whose appearance or removal changes what was resolved on disk (candidates, maps). */
  watched: Set<string>;
}

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

export class ProjectIndex {
  private readonly folders: string[];
  private readonly maxDepth: number;
  private readonly sources = new Map<string, SourceState>();
  private readonly patterns = new PatternCache();
  private queue: Promise<void> = Promise.resolve();
  private started: Promise<void> | undefined;
  /** Sorted view of all sources, rebuilt after a change rather than on every lookup. */
  private cached: ProjectIndexSnapshot | undefined;

  constructor(folders: readonly string[], options: ProjectIndexOptions = {}) {
    this.folders = folders.map((folder) => resolve(folder));
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  /** Resolves once the first full scan is done (it starts on the first call). */
  ready(): Promise<void> {
    this.started ??= this.enqueue(() => this.rescan());
    return this.started;
  }

  /**
   * Re-reads what `changedPath` affects (a template, a samconfig, a CDK manifest or stack
   * template, a handler file, a build output, or a folder created or deleted); without a path,
   * scans everything again.
   */
  refresh(changedPath?: string): Promise<void> {
    if (this.started === undefined) return this.ready();
    return this.enqueue(() => (changedPath === undefined ? this.rescan() : this.refreshPath(resolve(changedPath))));
  }

  /** Whether a change to this path may matter to the index (lets the host filter watcher events). */
  isRelevant(path: string): boolean {
    const absolute = resolve(path);
    if (classifyProjectFile(absolute) !== undefined) return true;
    return this.affectedSources(absolute).length > 0;
  }

  /** Every function and warning, functions sorted by id. The entries are shared: treat them as read-only. */
  snapshot(): ProjectIndexSnapshot {
    const current = this.current();
    return { functions: [...current.functions], warnings: [...current.warnings] };
  }

  /** The function an ARN, name (with or without `:alias`) or `/aws/lambda/<name>` log group refers to, if any. */
  findFunction(nameOrArn: string): FunctionEntry | undefined {
    return this.findFunctions(nameOrArn)[0]?.entry;
  }

  /** Every candidate for the name, best first, with why it matched. */
  findFunctions(nameOrArn: string): FunctionMatch[] {
    return rankFunctions(this.current().functions, nameOrArn, this.patterns);
  }

  /** The functions whose handler is this source file (several functions may share one). */
  findByHandlerFile(path: string): FunctionEntry[] {
    const absolute = resolve(path);
    return this.current().functions.filter((entry) => entry.handlerFile === absolute);
  }

  private current(): ProjectIndexSnapshot {
    if (this.cached === undefined) {
      const functions: FunctionEntry[] = [];
      const warnings: ProjectWarning[] = [];
      for (const source of this.sources.values()) {
        functions.push(...source.functions);
        warnings.push(...source.warnings);
      }
      functions.sort((a, b) => a.id.localeCompare(b.id));
      this.cached = { functions, warnings };
    }
    return this.cached;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    // A failed refresh must not block the ones after it; the index keeps its last good state.
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async rescan(): Promise<void> {
    const files = await discoverProjectFiles(this.folders, this.maxDepth);
    const probe = new FileProbe();
    const states = await Promise.all(files.map((file) => this.load(file, probe)));
    this.sources.clear();
    this.cached = undefined;
    for (const state of states) if (state) this.sources.set(state.file.path, state);
  }

  private async refreshPath(path: string): Promise<void> {
    const probe = new FileProbe();
    const reparse = new Map<string, ProjectFile>();
    const reresolve = new Map<string, SourceState>();
    for (const source of this.sources.values()) {
      if (source.dependencies.has(path)) reparse.set(source.file.path, source.file);
      else if (resolvedFrom(source, path)) reresolve.set(source.file.path, source);
    }
    const kind = classifyProjectFile(path);
    if (kind !== undefined && !this.sources.has(path) && isWithinWalk(path, this.folders, this.maxDepth)) reparse.set(path, { kind, path });
    const info = await stat(path).catch(() => undefined);
    const more = info?.isDirectory() ? await discoverProjectFiles(this.folders, this.maxDepth, path) : info === undefined ? this.sourcesUnder(path) : [];
    for (const file of more) reparse.set(file.path, file);
    for (const key of reparse.keys()) reresolve.delete(key);
    await Promise.all([
      ...[...reparse.values()].map(async (file) => this.store(file.path, await this.load(file, probe))),
      // A handler or bundle appeared or went away: the template is unchanged, so only look again.
      ...[...reresolve.values()].map(async (source) => this.store(source.file.path, await resolveState(source, probe))),
    ]);
  }

  private store(key: string, state: SourceState | undefined): void {
    this.cached = undefined;
    if (state) this.sources.set(key, state);
    else this.sources.delete(key);
  }

  /** Sources that depend on `path` or resolved something on disk at or below it. */
  private affectedSources(path: string): SourceState[] {
    return [...this.sources.values()].filter((source) => source.dependencies.has(path) || resolvedFrom(source, path));
  }

  private sourcesUnder(dir: string): ProjectFile[] {
    return [...this.sources.values()].filter((source) => isInside(source.file.path, dir)).map((source) => source.file);
  }

  private async load(file: ProjectFile, probe: FileProbe): Promise<SourceState | undefined> {
    const result = await parseProjectFile(file);
    if (result === undefined) return undefined;
    const dependencies = new Set([file.path, ...result.dependencies]);
    return resolveState({ file, parsed: result.parsed, warnings: result.warnings, dependencies }, probe);
  }
}

/** Whether `path` is a file this source resolved (or could resolve) on disk, or lies in or above one of its build folders. */
function resolvedFrom(source: SourceState, path: string): boolean {
  return source.watched.has(path) || source.functions.some((entry) => entry.buildDir !== undefined && (isInside(path, entry.buildDir) || isInside(entry.buildDir, path)));
}

async function resolveState(source: Omit<SourceState, 'functions' | 'watched'>, probe: FileProbe): Promise<SourceState> {
  const functions = await Promise.all(source.parsed.map((parsed) => resolveOnDisk(parsed, probe)));
  const watched = new Set<string>();
  for (const parsed of source.parsed) {
    for (const candidate of parsed.handlerCandidates) watched.add(candidate);
    const buildDir = parsed.entry.buildDir;
    if (buildDir === undefined) continue;
    for (const name of [...parsed.bundleCandidates, ...(parsed.sourceMapCandidates ?? [])]) watched.add(join(buildDir, name));
  }
  for (const entry of functions) if (entry.handlerFile !== undefined) watched.add(entry.handlerFile);
  return { file: source.file, parsed: source.parsed, warnings: source.warnings, dependencies: source.dependencies, functions, watched };
}
