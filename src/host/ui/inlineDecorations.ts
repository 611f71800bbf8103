/**
 * What the editor's inline marks share: the look of an inline error (the whole line tinted, the
 * exception after it, a mark in the overview ruler; the theme colours `serverlessLens.inlineError.*`)
 * and the bookkeeping that lets a redraw skip editors whose marks did not change. Used by the
 * live tail's inline results and stack marks; "Go to source"'s `ErrorDecoration` draws the same
 * inline error.
 */
import * as vscode from 'vscode';

/** The decoration type of an inline error mark. Owned (and disposed) by the caller. */
export function createInlineErrorDecorationType(): vscode.TextEditorDecorationType {
  return vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('serverlessLens.inlineError.background'),
    after: { color: new vscode.ThemeColor('serverlessLens.inlineError.foreground'), margin: '0 0 0 2em' },
    overviewRulerColor: new vscode.ThemeColor('serverlessLens.inlineError.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Right,
  });
}

/**
 * What each visible editor shows, as one key (the drawn marks' identities joined), so that a
 * redraw, which runs every second while an age is on screen, calls `setDecorations` only on the
 * editors whose marks changed.
 */
export class DrawnEditors {
  private readonly keys = new Map<vscode.TextEditor, string>();

  /**
   * Draws `decorate` on `editor` unless it already shows `key` ('' for no marks), and remembers
   * the key. `decorate` sets every decoration type the caller draws, empty ones included.
   */
  draw(editor: vscode.TextEditor, key: string, decorate: () => void): void {
    if ((this.keys.get(editor) ?? '') === key) return;
    decorate();
    if (key === '') this.keys.delete(editor);
    else this.keys.set(editor, key);
  }

  /** Forgets editors no longer visible: VS Code drops their decorations with them. */
  forgetHidden(): void {
    for (const editor of [...this.keys.keys()]) if (!vscode.window.visibleTextEditors.includes(editor)) this.keys.delete(editor);
  }

  /** Removes `types` from every editor drawn, and forgets them all. */
  clear(types: readonly vscode.TextEditorDecorationType[]): void {
    for (const editor of this.keys.keys()) for (const type of types) editor.setDecorations(type, []);
    this.keys.clear();
  }
}

/**
 * A hover of text we escaped ourselves: no HTML, and links may run only `enabledCommands`
 * (our own commands, with arguments we encoded).
 */
export function trustedHover(markdown: string, enabledCommands: readonly string[]): vscode.MarkdownString {
  const hover = new vscode.MarkdownString(markdown, false);
  hover.isTrusted = { enabledCommands: [...enabledCommands] };
  hover.supportHtml = false;
  return hover;
}
