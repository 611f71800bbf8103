import { readFile } from 'node:fs/promises';
import { findHandlerExport, handlerLanguageOf } from '../../core/handlerExportLine';

/**
 * The 1-based line where a handler file defines its export (the same line scan the handler
 * lenses use), or 1 when the file, its language or the export cannot be found: the fallback
 * still opens the right file.
 */
export async function handlerExportLine(file: string, exportName: string | undefined): Promise<number> {
  const language = handlerLanguageOf(file);
  if (exportName === undefined || language === undefined) return 1;
  try {
    const position = findHandlerExport(await readFile(file, 'utf8'), exportName, language);
    return position === undefined ? 1 : position.line + 1;
  } catch {
    return 1;
  }
}
