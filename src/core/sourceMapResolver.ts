/**
 * Position maths over a source map (`@jridgewell/trace-mapping`): generated bundle position →
 * original source position. Pure: the caller reads the map and the bundle.
 *
 * Conventions: every line and column in this API is 1-based, as V8 prints them and as users read
 * them. trace-mapping takes 1-based lines but 0-based columns; the conversion happens only here.
 */
import { AnyMap, LEAST_UPPER_BOUND, TraceMap, decodedMappings, originalPositionFor, sourceContentFor } from '@jridgewell/trace-mapping';
import { functionOwners, labelBaseName, scoreCandidateLine } from './sourceFunctions';

export interface GeneratedPosition {
  line: number;
  column: number;
}

export interface OriginalPosition {
  /** `sources[i]` resolved against the map URL and `sourceRoot`: an absolute path or a URL. */
  source: string;
  line: number;
  column: number;
  /** The original identifier when the map names it (minified renames). */
  name?: string;
}

/** What else is known about a frame that has no column (X-Ray). */
export interface LineEvidence {
  /** The frame's function label (`handler`, `Runtime.handler`, or a minified `r`). */
  label?: string;
  /** Columns of frames on the same generated line from the log stack of the same request. */
  columns?: number[];
  /** Label of the frame this one called (the next-inner frame): its call site is likelier. */
  callee?: string;
  /** The throwing frame: a `throw` line is likelier. */
  innermost?: boolean;
}

export interface LineResolution {
  position: OriginalPosition;
  /** True when several original lines were possible and the evidence only made one likelier. */
  guess: boolean;
  /** How many distinct original lines the generated line maps to. */
  candidates: number;
  reason: string;
}

export interface SourceMapResolver {
  /** Resolved `sources`, in map order. */
  readonly sources: readonly string[];
  resolve(position: GeneratedPosition): OriginalPosition | undefined;
  resolveLine(line: number, evidence?: LineEvidence): LineResolution | undefined;
  /** `sourcesContent` for a resolved source, when the map embeds it. */
  sourceContent(source: string): string | undefined;
}

export interface ResolverOptions {
  /** The bundle text: lets a minified label (`r`) be matched to the original name it renames. */
  generatedCode?: string;
}

interface SourceInfo {
  lines: string[];
  owners: Array<string | undefined>;
}

interface Candidate {
  sourceIndex: number;
  line: number;
  column: number;
  names: Set<string>;
}

/**
 * Builds a resolver. `rawMap` is the map JSON (text or parsed); `mapUrl` is where it lives (a path
 * or URL) and anchors relative `sources`. Index maps (`sections`) are flattened. Throws on a map
 * that is not a source map: the caller reports why it could not resolve.
 */
export function createResolver(rawMap: string | object, mapUrl: string, options: ResolverOptions = {}): SourceMapResolver {
  const parsed: unknown = typeof rawMap === 'string' ? JSON.parse(stripXssiPrefix(rawMap)) : rawMap;
  if (typeof parsed !== 'object' || parsed === null) throw new Error('source map is not a JSON object');
  const hasSections = Array.isArray((parsed as { sections?: unknown }).sections);
  if (!hasSections && typeof (parsed as { mappings?: unknown }).mappings !== 'string' && !Array.isArray((parsed as { mappings?: unknown }).mappings)) {
    throw new Error('source map has no mappings');
  }
  // The constructors validate nothing further; a broken map fails at first lookup, not here.
  const map = hasSections ? AnyMap(parsed as ConstructorParameters<typeof AnyMap>[0], mapUrl) : new TraceMap(parsed as ConstructorParameters<typeof TraceMap>[0], mapUrl);
  return new TraceMapResolver(map, options.generatedCode);
}

/** Some servers prefix maps with `)]}'` against XSSI; the spec says to ignore that line. */
function stripXssiPrefix(text: string): string {
  return text.startsWith(")]}'") ? text.slice(text.indexOf('\n') + 1) : text;
}

class TraceMapResolver implements SourceMapResolver {
  readonly sources: readonly string[];
  private readonly lineCandidates = new Map<number, { list: Candidate[]; byKey: Map<string, Candidate> }>();
  private readonly infoBySource = new Map<number, SourceInfo | undefined>();
  private renames: Map<string, Set<string>> | undefined;
  private indexBySource: Map<string, number> | undefined;

  constructor(
    private readonly map: TraceMap,
    private readonly generatedCode: string | undefined,
  ) {
    this.sources = map.resolvedSources;
  }

  resolve(position: GeneratedPosition): OriginalPosition | undefined {
    if (!(position.line >= 1) || !(position.column >= 1)) return undefined;
    const needle = { line: position.line, column: position.column - 1 };
    let found = originalPositionFor(this.map, needle);
    // A column before the line's first mapping has no lower bound; the next mapping is closest.
    if (found.source === null) found = originalPositionFor(this.map, { ...needle, bias: LEAST_UPPER_BOUND });
    if (found.source === null) return undefined;
    const result: OriginalPosition = { source: found.source, line: found.line, column: found.column + 1 };
    if (found.name !== null) result.name = found.name;
    return result;
  }

  resolveLine(line: number, evidence: LineEvidence = {}): LineResolution | undefined {
    const all = this.candidatesOn(line);
    const first = all[0];
    if (first === undefined) return undefined;
    if (all.length === 1) return { position: this.toPosition(first), guess: false, candidates: 1, reason: 'the generated line maps to one original line' };
    const byColumn = this.byColumns(line, evidence.columns ?? []);
    if (byColumn.length === 1 && byColumn[0]) {
      return { position: byColumn[0].position, guess: false, candidates: all.length, reason: `column ${byColumn[0].column} from the log stack of the same request` };
    }
    const pool = byColumn.length > 1 ? byColumn.map((hit) => hit.candidate) : all;
    if (evidence.label) {
      const matched = this.byLabel(pool, evidence);
      if (matched[0]) {
        return { position: this.toPosition(matched[0]), guess: true, candidates: all.length, reason: `frame label "${evidence.label}" names the function around ${matched.length} of ${all.length} candidate lines` };
      }
    }
    const chosen = pool[0] ?? first;
    return { position: this.toPosition(chosen), guess: true, candidates: all.length, reason: `${all.length} original lines share generated line ${line}; took the first, no evidence chose between them` };
  }

  sourceContent(source: string): string | undefined {
    return sourceContentFor(this.map, source) ?? undefined;
  }

  /** Distinct original lines on a generated line, in generated-column order; cached per line. */
  private candidatesOn(line: number): Candidate[] {
    return this.lineIndex(line).list;
  }

  private lineIndex(line: number): { list: Candidate[]; byKey: Map<string, Candidate> } {
    const cached = this.lineCandidates.get(line);
    if (cached) return cached;
    const segments = decodedMappings(this.map)[line - 1] ?? [];
    const byKey = new Map<string, Candidate>();
    for (const segment of segments) {
      if (segment.length !== 4 && segment.length !== 5) continue;
      const [, sourceIndex, sourceLine, sourceColumn] = segment;
      const key = `${sourceIndex}:${sourceLine + 1}`;
      let candidate = byKey.get(key);
      if (!candidate) {
        candidate = { sourceIndex, line: sourceLine + 1, column: sourceColumn + 1, names: new Set() };
        byKey.set(key, candidate);
      }
      const name = segment.length === 5 ? this.map.names[segment[4]] : undefined;
      if (name !== undefined) candidate.names.add(name);
    }
    const entry = { list: [...byKey.values()], byKey };
    this.lineCandidates.set(line, entry);
    return entry;
  }

  private byColumns(line: number, columns: readonly number[]): Array<{ column: number; position: OriginalPosition; candidate: Candidate }> {
    const hits = new Map<string, { column: number; position: OriginalPosition; candidate: Candidate }>();
    for (const column of columns) {
      const position = this.resolve({ line, column });
      if (!position) continue;
      const candidate = this.lineIndex(line).byKey.get(`${this.sourceIndexOf(position.source)}:${position.line}`);
      if (candidate && !hits.has(`${position.source}:${position.line}`)) hits.set(`${position.source}:${position.line}`, { column, position, candidate });
    }
    return [...hits.values()];
  }

  /**
   * Candidates inside the labelled function (read from `sourcesContent`), best first: not the
   * declaration line itself, a `throw` for the innermost frame, a call of the callee otherwise.
   */
  private byLabel(pool: readonly Candidate[], evidence: LineEvidence): Candidate[] {
    const wanted = this.namesFor(evidence.label);
    if (wanted.size === 0) return [];
    const callees = this.namesFor(evidence.callee);
    const scored: Array<{ candidate: Candidate; score: number }> = [];
    for (const candidate of pool) {
      const source = this.sourceInfo(candidate.sourceIndex);
      const name = source?.owners[candidate.line - 1];
      if (!source || name === undefined || !wanted.has(name)) continue;
      const score = scoreCandidateLine(source.lines[candidate.line - 1] ?? '', { functionNames: wanted, calleeNames: callees, innermost: evidence.innermost === true });
      scored.push({ candidate, score });
    }
    // Stable: equal scores keep generated order.
    return scored.sort((a, b) => b.score - a.score).map((entry) => entry.candidate);
  }

  /** A label's base name plus the original names it may stand for when minified. */
  private namesFor(label: string | undefined): Set<string> {
    const base = label !== undefined ? labelBaseName(label) : undefined;
    return base === undefined ? new Set() : new Set([base, ...(this.renamesOf(base) ?? [])]);
  }

  /** A source's lines and the function owning each line, computed once per source. */
  private sourceInfo(sourceIndex: number): SourceInfo | undefined {
    if (!this.infoBySource.has(sourceIndex)) {
      const source = this.sources[sourceIndex];
      const content = source !== undefined ? this.sourceContent(source) : undefined;
      const lines = content?.split(/\r\n|\r|\n/);
      this.infoBySource.set(sourceIndex, lines ? { lines, owners: functionOwners(lines) } : undefined);
    }
    return this.infoBySource.get(sourceIndex);
  }

  /** Original names a minified identifier stands for, read from named mappings over the bundle. */
  private renamesOf(identifier: string): Set<string> | undefined {
    if (this.generatedCode === undefined) return undefined;
    if (!this.renames) this.renames = buildRenames(this.map, this.generatedCode);
    return this.renames.get(identifier);
  }

  private sourceIndexOf(source: string): number {
    if (!this.indexBySource) this.indexBySource = new Map(this.sources.map((name, index) => [name, index]));
    return this.indexBySource.get(source) ?? -1;
  }

  private toPosition(candidate: Candidate): OriginalPosition {
    const position: OriginalPosition = { source: this.sources[candidate.sourceIndex] ?? '', line: candidate.line, column: candidate.column };
    const name = candidate.names.values().next();
    if (!name.done) position.name = name.value;
    return position;
  }
}

function buildRenames(map: TraceMap, code: string): Map<string, Set<string>> {
  const renames = new Map<string, Set<string>>();
  const lines = code.split('\n');
  decodedMappings(map).forEach((segments, lineIndex) => {
    const text = lines[lineIndex];
    if (text === undefined) return;
    for (const segment of segments) {
      if (segment.length !== 5) continue;
      const original = map.names[segment[4]];
      const generated = /^[A-Za-z_$][\w$]*/.exec(text.slice(segment[0], segment[0] + 64))?.[0];
      if (original === undefined || generated === undefined || generated === original) continue;
      let set = renames.get(generated);
      if (!set) renames.set(generated, (set = new Set()));
      set.add(original);
    }
  });
  return renames;
}

/** The URL of the last `//# sourceMappingURL=` comment (`//@` too), or undefined. */
export function readSourceMappingUrl(bundleText: string): string | undefined {
  const key = 'sourceMappingURL=';
  let at = bundleText.lastIndexOf(key);
  while (at >= 0) {
    const before = bundleText.slice(Math.max(0, at - 4), at);
    if (/\/\/[#@]\s?$/.test(before)) {
      const url = /^[^\s'"`]+/.exec(bundleText.slice(at + key.length))?.[0];
      return url === undefined || url === '' ? undefined : url;
    }
    at = at === 0 ? -1 : bundleText.lastIndexOf(key, at - 1);
  }
  return undefined;
}

/** Decodes an inline `data:application/json;base64,…` (or percent-encoded) map; else undefined. */
export function decodeDataUrl(url: string): string | undefined {
  const match = /^data:([^,]*),(.*)$/s.exec(url.trim());
  if (!match) return undefined;
  const meta = match[1] ?? '';
  const payload = match[2] ?? '';
  try {
    if (/;base64$/i.test(meta)) {
      const binary = atob(payload);
      const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
      // Maps embed sourcesContent; base64 carries UTF-8 bytes, not one char per byte.
      return new TextDecoder().decode(bytes);
    }
    return decodeURIComponent(payload);
  } catch {
    return undefined;
  }
}
