/**
 * Reads hover markdown as an attacker would hope VS Code renders it, for the tests that check
 * hostile text stays text: what lies outside fenced code blocks, and what is left of it once
 * every backslash escape is removed (whatever could still be live syntax).
 */
import assert from 'node:assert/strict';

/** Markdown text with every backslash escape removed. */
export function withoutEscapes(markdown: string): string {
  return markdown.replace(/\\[!-/:-@[-`{-~]/g, '');
}

/** The markdown outside fenced code blocks (a fence closes only on a run at least as long); asserts every block is closed. */
export function outsideCode(markdown: string): string {
  let out = '';
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const match = /^(`{3,})/.exec(line);
    if (fence === undefined && match?.[1] !== undefined) fence = match[1];
    else if (fence !== undefined && match?.[1] !== undefined && match[1].length >= fence.length && line.trim() === match[1]) fence = undefined;
    else if (fence === undefined) out += `${line}\n`;
  }
  assert.equal(fence, undefined, 'every code block is closed');
  return out;
}
