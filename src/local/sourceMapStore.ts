/**
 * Loads a bundle's source map from the local build on demand and keeps the resolver until the
 * bundle or its map changes on disk (checked by mtime on every use, one `stat` each). The map is
 * found as the bundle's `sourceMappingURL` comment (file or inline `data:` URL), else as the
 * `.map` next to the bundle.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve as resolvePath } from 'node:path';
import { createResolver, decodeDataUrl, readSourceMappingUrl } from '../core/sourceMapResolver';
import type { LineEvidence, SourceMapResolver } from '../core/sourceMapResolver';

export interface LoadedSourceMap {
  bundlePath: string;
  /** The `.map` file read, or `inline` for a `data:` URL. */
  mapLocation: string;
  resolver: SourceMapResolver;
}

export interface SourceMapLoad {
  map?: LoadedSourceMap;
  /** Why there is no map (no comment and no `.map` file, unreadable JSON, …). */
  why?: string;
}

/** Where a bundle position came from. Lines and columns are 1-based. */
export interface StoreResolution {
  source: string;
  line: number;
  column?: number;
  name?: string;
  /** True when a column-less frame matched several original lines and evidence picked one. */
  guess: boolean;
  reason: string;
  /** Distinct original lines considered (1 for exact column lookups). */
  candidates: number;
}

export interface StoreResult {
  resolution?: StoreResolution;
  why?: string;
}

interface CacheEntry {
  load: SourceMapLoad;
  bundleMtimeMs: number;
  /** Absent for inline maps and for bundles without any map. */
  mapPath?: string;
  mapMtimeMs?: number;
  /** `Date.now()` of the last mtime check. */
  checkedAt: number;
}

export interface SourceMapStoreOptions {
  /**
   * Skip the mtime check when the last one is more recent than this: the frames of one stack
   * then cost one check, not one per frame. 0 checks on every call.
   */
  recheckAfterMs?: number;
}

export class SourceMapStore {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly pending = new Map<string, Promise<CacheEntry>>();
  private readonly recheckAfterMs: number;

  constructor(options: SourceMapStoreOptions = {}) {
    this.recheckAfterMs = options.recheckAfterMs ?? 1000;
  }

  /** The bundle's map, loaded or reused; never throws. */
  async load(bundlePath: string): Promise<SourceMapLoad> {
    try {
      const cached = this.cache.get(bundlePath);
      if (cached && Date.now() - cached.checkedAt < this.recheckAfterMs) return cached.load;
      const bundleMtimeMs = await mtimeOf(bundlePath);
      if (bundleMtimeMs === undefined) return { why: `bundle ${bundlePath} does not exist` };
      if (cached && cached.bundleMtimeMs === bundleMtimeMs && (cached.mapPath === undefined || (await mtimeOf(cached.mapPath)) === cached.mapMtimeMs)) {
        cached.checkedAt = Date.now();
        return cached.load;
      }
      // Concurrent frames of one stack share one read of a multi-megabyte map.
      let loading = this.pending.get(bundlePath);
      if (!loading) {
        loading = readEntry(bundlePath, bundleMtimeMs).finally(() => this.pending.delete(bundlePath));
        this.pending.set(bundlePath, loading);
      }
      const entry = await loading;
      this.cache.set(bundlePath, entry);
      return entry.load;
    } catch (error) {
      return { why: `could not read the source map of ${bundlePath}: ${messageOf(error)}` };
    }
  }

  /**
   * Resolves a bundle position. With a column the lookup is exact; without one (X-Ray) the line's
   * candidates are weighed with `evidence` and the result says whether it is a guess.
   */
  async resolve(bundlePath: string, line: number, column?: number, evidence?: LineEvidence): Promise<StoreResult> {
    const { map, why } = await this.load(bundlePath);
    if (!map) return { why: why ?? 'no source map' };
    if (column !== undefined) {
      const position = map.resolver.resolve({ line, column });
      if (!position) return { why: `${bundlePath}:${line}:${column} has no mapping` };
      return { resolution: { ...position, guess: false, reason: 'source map', candidates: 1 } };
    }
    const byLine = map.resolver.resolveLine(line, evidence);
    if (!byLine) return { why: `${bundlePath}:${line} has no mapping` };
    const { position } = byLine;
    return { resolution: { ...position, guess: byLine.guess, reason: byLine.reason, candidates: byLine.candidates } };
  }

  /** Drops every cached map (connection change, tests). */
  clear(): void {
    this.cache.clear();
  }
}

async function readEntry(bundlePath: string, bundleMtimeMs: number): Promise<CacheEntry> {
  const bundleText = await readFile(bundlePath, 'utf8');
  const url = readSourceMappingUrl(bundleText);
  if (url?.startsWith('data:')) {
    const raw = decodeDataUrl(url);
    if (raw === undefined) return { bundleMtimeMs, checkedAt: Date.now(), load: { why: 'the inline source map could not be decoded' } };
    return { bundleMtimeMs, checkedAt: Date.now(), load: build(bundlePath, raw, bundlePath, 'inline', bundleText) };
  }
  for (const mapPath of mapCandidates(bundlePath, url)) {
    const mapMtimeMs = await mtimeOf(mapPath);
    if (mapMtimeMs === undefined) continue;
    const raw = await readFile(mapPath, 'utf8');
    return { bundleMtimeMs, mapPath, mapMtimeMs, checkedAt: Date.now(), load: build(bundlePath, raw, mapPath, mapPath, bundleText) };
  }
  return { bundleMtimeMs, checkedAt: Date.now(), load: { why: `no source map for ${bundlePath} (no sourceMappingURL comment, no .map file)` } };
}

function build(bundlePath: string, raw: string, mapUrl: string, mapLocation: string, bundleText: string): SourceMapLoad {
  try {
    return { map: { bundlePath, mapLocation, resolver: createResolver(raw, mapUrl, { generatedCode: bundleText }) } };
  } catch (error) {
    return { why: `the source map ${mapLocation} is invalid: ${messageOf(error)}` };
  }
}

/** The comment's file (relative to the bundle) first, then `<bundle>.map`. Remote URLs are ignored. */
function mapCandidates(bundlePath: string, url: string | undefined): string[] {
  const candidates: string[] = [];
  if (url !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(url.replace(/^file:\/\//, ''))) {
    const path = decodeURIComponent(url.replace(/^file:\/\//, ''));
    candidates.push(isAbsolute(path) ? path : resolvePath(dirname(bundlePath), path));
  }
  candidates.push(`${bundlePath}.map`);
  return [...new Set(candidates)];
}

async function mtimeOf(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.mtimeMs : undefined;
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
