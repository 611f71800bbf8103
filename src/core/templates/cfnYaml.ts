/**
 * CloudFormation/SAM template text (YAML or JSON) to plain data, with the short-form intrinsic
 * tags (`!Ref`, `!Sub`, `!GetAtt`, …) turned into their long form (`{ Ref: … }`,
 * `{ 'Fn::Sub': … }`), so every later reader sees one shape. Also the few intrinsic evaluations
 * the project index needs to name a deployed function. Never throws: templates are user files,
 * often half-edited when the watcher fires.
 */
import { Pair, Scalar, YAMLMap, parseDocument, visit } from 'yaml';
import type { CollectionTag, Document, Node, ScalarTag } from 'yaml';
import { isRecord } from '../jsonRead';

export interface CfnParseResult {
  /** The template as plain data (a tree: aliases copied, cycles cut); `undefined` when nothing usable could be read. */
  value: unknown;
  /** Parse errors as `line:col message` strings (empty when the template is clean). */
  errors: string[];
}

/** Short-form tags and the long-form key each becomes (`!Ref` → `Ref`, `!Sub` → `Fn::Sub`). */
const LONG_FORMS: ReadonlyMap<string, string> = new Map([
  ['!Ref', 'Ref'],
  ['!Condition', 'Condition'],
  ...['Sub', 'GetAtt', 'Join', 'Select', 'Split', 'If', 'Equals', 'Not', 'And', 'Or', 'FindInMap', 'Base64', 'Cidr', 'ImportValue', 'GetAZs', 'Transform', 'Length', 'ToJsonString']
    .map((name) => [`!${name}`, `Fn::${name}`] as const),
]);

/** Bounds the work a hostile or broken template can cause (alias bombs, giant files, deep nesting). */
const MAX_TEMPLATE_CHARS = 5_000_000;
const MAX_DEPTH = 100;

/**
 * The tags are registered as pass-through so the parser keeps them on the nodes (and does not
 * warn); `wrapTaggedNodes` then rewrites each tagged node into its long form on the AST, which
 * keeps anchors and aliases working (`&x !Ref Foo` … `*x`).
 */
function passThroughTags(): Array<ScalarTag | CollectionTag> {
  return [...LONG_FORMS.keys()].flatMap((tag) => [
    { tag, resolve: (value: string) => value },
    { tag, collection: 'seq' as const, resolve: (node: Node) => node },
    { tag, collection: 'map' as const, resolve: (node: Node) => node },
  ]);
}

const CFN_TAGS = passThroughTags();

function wrapTaggedNodes(doc: Document.Parsed): void {
  visit(doc, {
    Node(_key, node) {
      const key = node.tag === undefined ? undefined : LONG_FORMS.get(node.tag);
      if (key === undefined) return undefined;
      node.tag = undefined;
      const wrapper = new YAMLMap();
      // The anchor moves to the wrapper so `*alias` repeats the whole intrinsic.
      wrapper.anchor = node.anchor;
      node.anchor = undefined;
      wrapper.items.push(new Pair(new Scalar(key), dottedGetAtt(key, node)));
      return wrapper;
    },
  });
}

/** `!GetAtt Res.Attr.Sub` is the dotted form of `['Res', 'Attr.Sub']`. */
function dottedGetAtt(key: string, node: Node): unknown {
  if (key !== 'Fn::GetAtt' || !(node instanceof Scalar) || typeof node.value !== 'string') return node;
  const dot = node.value.indexOf('.');
  return dot > 0 ? [node.value.slice(0, dot), node.value.slice(dot + 1)] : [node.value];
}

/** Copies parsed data into a tree: an alias that refers to its own ancestor (a cycle) becomes null. */
function toTree(value: unknown, ancestors: Set<object>, depth: number): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.has(value) || depth > MAX_DEPTH) return null;
  ancestors.add(value);
  let out: unknown;
  if (Array.isArray(value)) out = value.map((item: unknown) => toTree(item, ancestors, depth + 1));
  else {
    const record: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(record, k, { value: toTree(v, ancestors, depth + 1), enumerable: true, writable: true, configurable: true });
    out = record;
  }
  ancestors.delete(value);
  return out;
}

function parseJson(text: string): CfnParseResult {
  try {
    return { value: JSON.parse(text) as unknown, errors: [] };
  } catch (error) {
    return { value: undefined, errors: [error instanceof Error ? error.message : String(error)] };
  }
}

function parseYaml(text: string): CfnParseResult {
  try {
    // `uniqueKeys: false`: CloudFormation rejects duplicates at deploy time, but a half-edited
    // template should still show its other functions; the later key wins, as in most tools.
    // `logLevel: 'silent'`: the library would otherwise print to the extension host's stderr.
    const doc = parseDocument(text, { customTags: CFN_TAGS, uniqueKeys: false, prettyErrors: false, logLevel: 'silent' });
    const errors = doc.errors.map((error) => `${error.linePos?.[0] ? `${error.linePos[0].line}:${error.linePos[0].col} ` : ''}${error.message}`);
    wrapTaggedNodes(doc);
    const value = toTree(doc.toJS({ maxAliasCount: 1000 }), new Set(), 0);
    return { value: value ?? undefined, errors };
  } catch (error) {
    return { value: undefined, errors: [error instanceof Error ? error.message : String(error)] };
  }
}

/**
 * Parses template text. JSON text (first non-blank character `{`) goes through `JSON.parse` for
 * precise errors; otherwise YAML with the CloudFormation tags. A YAML file with errors may still
 * return the part that was readable in `value`.
 */
export function parseCfnTemplate(text: string): CfnParseResult {
  if (typeof text !== 'string') return { value: undefined, errors: ['template is not text'] };
  if (text.length > MAX_TEMPLATE_CHARS) return { value: undefined, errors: [`template is larger than ${MAX_TEMPLATE_CHARS} characters`] };
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (/^\s*\{/.test(body)) {
    const json = parseJson(body);
    if (json.errors.length === 0) return json;
    // JSON is a subset of YAML: a trailing comma or comment may still read as YAML.
    const yaml = parseYaml(body);
    return yaml.errors.length === 0 ? yaml : { value: yaml.value, errors: json.errors };
  }
  return parseYaml(body);
}

/**
 * One piece of a deployed name: known text, or a part only known at deploy time
 * (`${AWS::StackName}`, a parameter, a stage). `value` is the likely value when there is one
 * (a stage's default), used for the exact name but not for the pattern.
 */
export interface NamePart {
  text?: string;
  variable?: boolean;
}

/** The exact name when every part is known, and always an anchored pattern. */
export interface NameShape {
  literal?: string;
  pattern: string;
}

/** What a Lambda function name may contain; an unknown part matches a run of these. */
export const NAME_CHARS = '[A-Za-z0-9_-]';

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function nameShape(parts: readonly NamePart[]): NameShape {
  let literal: string | undefined = '';
  let pattern = '';
  for (const part of parts) {
    if (part.text === undefined) literal = undefined;
    else if (literal !== undefined) literal += part.text;
    pattern += part.variable || part.text === undefined ? `${NAME_CHARS}+` : escapeRegExp(part.text);
  }
  return literal === undefined ? { pattern: `^${pattern}$` } : { literal, pattern: `^${pattern}$` };
}

/** Values known for `${Name}` / `!Ref Name` when evaluating names: pseudo parameters and parameter defaults. */
export interface IntrinsicContext {
  /** Known exactly (e.g. the stack name from samconfig.toml). */
  known: Readonly<Record<string, string>>;
  /** Likely but overridable at deploy time (parameter defaults). */
  defaults: Readonly<Record<string, string>>;
}

function refPart(name: string, context: IntrinsicContext): NamePart {
  const known = context.known[name];
  if (known !== undefined) return { text: known };
  const fallback = context.defaults[name];
  return fallback !== undefined ? { text: fallback, variable: true } : {};
}

/** Splits a `Fn::Sub` string into its text and `${Var}` parts (`${!Literal}` is an escaped `${Literal}`). */
function subParts(template: string, variables: Record<string, unknown>, context: IntrinsicContext, depth: number): NamePart[] {
  const parts: NamePart[] = [];
  const re = /\$\{([^}]*)\}/g;
  let last = 0;
  for (let match = re.exec(template); match !== null; match = re.exec(template)) {
    if (match.index > last) parts.push({ text: template.slice(last, match.index) });
    const name = (match[1] ?? '').trim();
    if (name.startsWith('!')) parts.push({ text: `\${${name.slice(1)}}` });
    else if (name in variables) parts.push(...intrinsicParts(variables[name], context, depth + 1));
    else parts.push(name.includes('.') ? {} : refPart(name, context)); // `${Res.Attr}` is a GetAtt: deploy-time
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push({ text: template.slice(last) });
  return parts;
}

function joinParts(args: unknown, context: IntrinsicContext, depth: number): NamePart[] {
  if (!Array.isArray(args) || typeof args[0] !== 'string' || !Array.isArray(args[1])) return [{}];
  const separator = args[0];
  const parts: NamePart[] = [];
  args[1].forEach((item: unknown, index: number) => {
    if (index > 0 && separator !== '') parts.push({ text: separator });
    parts.push(...intrinsicParts(item, context, depth + 1));
  });
  return parts;
}

function subCall(args: unknown, context: IntrinsicContext, depth: number): NamePart[] {
  if (typeof args === 'string') return subParts(args, {}, context, depth);
  if (Array.isArray(args) && typeof args[0] === 'string') return subParts(args[0], isRecord(args[1]) ? args[1] : {}, context, depth);
  return [{}];
}

/**
 * The name parts of an intrinsic value: literal strings, `Ref`, `Fn::Sub` (both forms) and
 * `Fn::Join`; anything else (`Fn::If`, `Fn::ImportValue`, …) is one unknown part.
 */
export function intrinsicParts(value: unknown, context: IntrinsicContext, depth = 0): NamePart[] {
  if (depth > 8) return [{}];
  if (typeof value === 'string' || typeof value === 'number') return [{ text: String(value) }];
  if (!isRecord(value)) return [{}];
  const keys = Object.keys(value);
  if (keys.length !== 1) return [{}];
  if (typeof value.Ref === 'string') return [refPart(value.Ref, context)];
  if ('Fn::Sub' in value) return subCall(value['Fn::Sub'], context, depth);
  if ('Fn::Join' in value) return joinParts(value['Fn::Join'], context, depth);
  return [{}];
}

/** A string only when the value is a literal or resolves exactly (no deploy-time parts). */
export function literalString(value: unknown, context: IntrinsicContext): string | undefined {
  return nameShape(intrinsicParts(value, context)).literal;
}
