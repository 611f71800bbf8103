import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Composed in host/ (see docs/architecture.md).
}

export function deactivate(): void {}
