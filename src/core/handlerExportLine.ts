/**
 * Where a handler is exported in its source file, found by a line scan: cheap enough to run on
 * every CodeLens request (no parser, no type checker), and right for the forms handlers are
 * written in. Pure, so it is tested in plain Node.
 */

export type HandlerLanguage = 'javascript' | 'typescript' | 'python';

export interface ExportPosition {
  /** Zero-based line of the export. */
  line: number;
  /** Zero-based column where the exported name starts (the lens does not use it; hovers may). */
  character: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `handlers.main` is exported as `main` of the `handlers` object: the last part is what is written. */
function exportedName(handlerExport: string): string {
  const parts = handlerExport.split('.');
  return parts[parts.length - 1] ?? handlerExport;
}

/** Patterns in order of preference; the first line any of them matches wins. */
function scriptPatterns(name: string): RegExp[] {
  const n = escapeRegExp(name);
  return [
    // export const handler = …, export const handler: Handler = …, export let/var
    new RegExp(`^\\s*export\\s+(?:const|let|var)\\s+(${n})\\s*[:=]`),
    // export async function handler(…), export function* handler
    new RegExp(`^\\s*export\\s+(?:async\\s+)?function\\s*\\*?\\s*(${n})\\s*[(<]`),
    // exports.handler = …, module.exports.handler = …
    new RegExp(`^\\s*(?:module\\.)?exports\\.(${n})\\s*=`),
    // export { main as handler }, export { handler }
    new RegExp(`^\\s*export\\s*\\{[^}]*\\b(?:\\w+\\s+as\\s+)?(${n})\\b(?!\\s+as\\b)[^}]*\\}`),
    // module.exports = { handler } or { handler: main }
    new RegExp(`^\\s*module\\.exports\\s*=\\s*\\{[^}]*\\b(${n})\\b`),
  ];
}

function pythonPatterns(name: string): RegExp[] {
  const n = escapeRegExp(name);
  // Only top-level definitions: the runtime imports the module attribute, not a method.
  return [new RegExp(`^(?:async\\s+)?def\\s+(${n})\\s*\\(`), new RegExp(`^(${n})\\s*=`)];
}

/**
 * The line of `handlerExport` in `text`, or undefined when no known form is found (the caller
 * decides where a lens goes then). Comment lines are skipped so a commented-out old handler
 * does not win.
 */
export function findHandlerExport(text: string, handlerExport: string, language: HandlerLanguage): ExportPosition | undefined {
  const name = exportedName(handlerExport);
  if (name === '') return undefined;
  const patterns = language === 'python' ? pythonPatterns(name) : scriptPatterns(name);
  const lines = text.split(/\r?\n/);
  for (const pattern of patterns) {
    for (let line = 0; line < lines.length; line += 1) {
      const content = lines[line] as string;
      if (isComment(content, language)) continue;
      const match = pattern.exec(content);
      if (match !== null) {
        const character = content.indexOf(match[1] as string, match.index);
        return { line, character: Math.max(0, character) };
      }
    }
  }
  return undefined;
}

function isComment(line: string, language: HandlerLanguage): boolean {
  const trimmed = line.trimStart();
  return language === 'python' ? trimmed.startsWith('#') : trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('/*');
}

/** The scan's language for a VS Code language id or a file extension; undefined for other files. */
export function handlerLanguageOf(languageIdOrPath: string): HandlerLanguage | undefined {
  const key = languageIdOrPath.toLowerCase();
  if (key === 'python' || key.endsWith('.py')) return 'python';
  if (key === 'typescript' || key === 'typescriptreact' || /\.(?:m|c)?tsx?$/.test(key)) return 'typescript';
  if (key === 'javascript' || key === 'javascriptreact' || /\.(?:m|c)?jsx?$/.test(key)) return 'javascript';
  return undefined;
}
