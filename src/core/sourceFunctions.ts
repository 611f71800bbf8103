/**
 * Lightweight reading of original source text: which function a line belongs to. Used only to
 * weigh candidates for column-less frames, so a heuristic that is usually right is enough; the
 * result is always reported as a guess.
 */

const DECLARATIONS: readonly RegExp[] = [
  // function name(  /  async function* name(
  /\bfunction\s*\*?\s*([A-Za-z_$][\w$]*)\s*[(<]/,
  // name = (…) =>  /  name = async x =>  /  name: function  /  name = function
  /\b([A-Za-z_$][\w$]*)\s*(?::\s*[^=]+)?[:=]\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::\s*[^=]+)?=>|[A-Za-z_$][\w$]*\s*=>)/,
  // Python: def name(
  /^\s*(?:async\s+)?def\s+([A-Za-z_][\w]*)\s*\(/,
  // class methods: name(…) {  (keywords excluded below)
  /^\s*(?:(?:public|private|protected|static|async|override|readonly|get|set)\s+)*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\([^)]*\)\s*(?::\s*[^{]+)?\{/,
];
const CLASS = /\bclass\s+([A-Za-z_$][\w$]*)/;
const KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'catch', 'return', 'function', 'with']);

/**
 * For every line (index 0 = line 1), the nearest function declared at or above it; inside a
 * `constructor`, the class name, matching V8's `new X` labels. One pass, so candidates on a
 * huge minified line cost a lookup each.
 */
export function functionOwners(lines: readonly string[]): Array<string | undefined> {
  const owners: Array<string | undefined> = [];
  let current: string | undefined;
  let currentClass: string | undefined;
  for (const text of lines) {
    currentClass = CLASS.exec(text)?.[1] ?? currentClass;
    const name = declaredName(text);
    if (name === 'constructor') current = currentClass;
    else if (name !== undefined) current = name;
    owners.push(current);
  }
  return owners;
}

/** The function around `line` (1-based) in `content`; see `functionOwners`. */
export function enclosingFunctionName(content: string, line: number): string | undefined {
  return functionOwners(content.split(/\r\n|\r|\n/))[line - 1];
}

function declaredName(text: string): string | undefined {
  for (const pattern of DECLARATIONS) {
    const name = pattern.exec(text)?.[1];
    if (name !== undefined && !KEYWORDS.has(name)) return name;
  }
  return undefined;
}

/**
 * The function part of a V8/X-Ray label: `Runtime.handler` → `handler`, `new Order` → `Order`,
 * `Object.<anonymous>` → undefined, `fn [as alias]` → `fn`.
 */
export function labelBaseName(label: string): string | undefined {
  const cleaned = label
    .replace(/\s*\[as [^\]]*\]\s*$/, '')
    .replace(/^(?:async|new)\s+/, '')
    .trim();
  const last = cleaned.slice(cleaned.lastIndexOf('.') + 1);
  return /^[A-Za-z_$][\w$]*$/.test(last) ? last : undefined;
}

export interface LineHints {
  /** Names of the function the frame is in: its declaration line is not where it failed. */
  functionNames: ReadonlySet<string>;
  /** Names of the function this frame called: a line calling it is the call site. */
  calleeNames: ReadonlySet<string>;
  innermost: boolean;
}

/** Higher is likelier to be the frame's line. Only orders candidates; never makes one certain. */
export function scoreCandidateLine(text: string, hints: LineHints): number {
  let score = 0;
  const declared = declaredName(text);
  if (declared !== undefined && hints.functionNames.has(declared)) score -= 2;
  if (hints.innermost && /\bthrow\b|\breject\s*\(/.test(text)) score += 2;
  for (const callee of hints.calleeNames) {
    if (new RegExp(`(?:^|[^\\w$])${callee.replace(/\$/g, '\\$')}\\s*\\(`).test(text)) score += 3;
  }
  return score;
}
