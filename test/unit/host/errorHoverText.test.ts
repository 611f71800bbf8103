// The hover of the inline error mark: trace content is whatever made the function throw, so it
// must stay text, and the only command the hover can run is our own "open trace".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPEN_TRACE_COMMAND, codeBlock, errorHoverMarkdown, escapeMarkdownText, openTraceLink } from '../../../src/host/source/errorHoverText';
import type { FrameResolution } from '../../../src/local/frameResolver';
import { outsideCode, withoutEscapes as unescapedSyntax } from '../../support/markdownProse';

const HOSTILE = [
  '[click me](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%20-rf%20~%22%7D)',
  '![x](command:serverlessLens.openTrace?%5B%22evil%22%5D)',
  '`code` and ``` fences ```',
  '<img src=x onerror=alert(1)>',
  '<!-- hidden --> after a comment',
  '<command:workbench.action.reloadWindow>',
  '&lt;img&gt; &#x3C; entity',
  '$(alert) *bold* _it_ # heading',
  'http://example.com/autolink',
];

const relative = (file: string): string => file.replace('/work/app/', '');

function frames(path: string, label: string): FrameResolution[] {
  return [
    { frame: { path, line: 1, column: 48213, label, origin: 'node', isRuntime: false }, resolved: { file: '/work/app/src/lib/validate.ts', line: 30, guess: false } },
    { frame: { path: 'node:internal/process/task_queues', line: 95, column: 5, origin: 'node', isRuntime: true }, skipped: 'runtime' },
    { frame: { path: `${path}.unresolved`, label, origin: 'xray', isRuntime: false }, why: 'no line' },
  ];
}


test('hostile exception types and messages stay text in the title', () => {
  for (const text of HOSTILE) {
    const escaped = escapeMarkdownText(text);
    const live = unescapedSyntax(escaped);
    for (const syntax of ['[', ']', '(', ')', '<', '>', '`', '!', '&', '$', '*', '_', '#', ':']) {
      assert.ok(!live.includes(syntax), `${JSON.stringify(syntax)} left unescaped in ${escaped}`);
    }
    // Escaping loses nothing: the reader sees the exact text.
    assert.equal(escaped.replace(/\\([!-/:-@[-`{-~])/g, '$1'), text);
  }
});

test('the only command link in the hover is our own openTrace, whatever the trace holds', () => {
  for (const text of HOSTILE) {
    const markdown = errorHoverMarkdown({ title: `${text}: ${text}\nsecond line ${text}`, frames: frames(`/var/task/${text}`, text), traceId: '1-5759e988-bd862e3fe1be46a994272793' }, relative);
    const prose = outsideCode(markdown);
    const links = [...unescapedSyntax(prose).matchAll(/\]\(([^)\s]*)/g)].map((match) => match[1]);
    assert.deepEqual(links, [`command:${OPEN_TRACE_COMMAND}?${encodeURIComponent(JSON.stringify(['1-5759e988-bd862e3fe1be46a994272793']))}`]);
    assert.ok(!/<[a-z!/]/i.test(unescapedSyntax(prose)), `no HTML tag or comment outside code in ${prose}`);
    assert.equal(prose.trimEnd().split('\n').at(-1), openTraceLink('1-5759e988-bd862e3fe1be46a994272793'));
  }
});

test('frame paths and labels go into a code block they cannot close', () => {
  const path = '/var/task/x\n```\n[run](command:workbench.action.quit)\n````';
  const markdown = errorHoverMarkdown({ title: 'Error: boom', frames: frames(path, '<img src=x onerror=alert(1)>'), traceId: 't-1' }, relative);
  const prose = outsideCode(markdown);
  assert.ok(!prose.includes('workbench.action.quit'), 'the hostile path stays inside the code block');
  assert.ok(!prose.includes('<img'));
  const fence = /^(`{3,})text$/m.exec(markdown)?.[1];
  assert.equal(fence, '`````', 'the fence is longer than the longest backtick run of the content');
  assert.ok(markdown.includes(`  at <img src=x onerror=alert(1)> (${path}:1:48213)\n     → src/lib/validate.ts:30`), 'the stack reads as it was, with the workspace path');
  assert.ok(markdown.includes('(node:internal/process/task_queues:95:5)  [runtime]'));
  assert.ok(markdown.includes('.unresolved)  [unresolved]'));
});

test('the trace id is encoded into the link argument, so it cannot end the link or add one', () => {
  const hostileId = 'x") [evil](command:workbench.action.quit) ("';
  const link = openTraceLink(hostileId);
  const target = /^\[Open trace\]\(command:serverlessLens\.openTrace\?(\S+) "Open the trace in the timeline"\)$/.exec(link)?.[1];
  assert.ok(target !== undefined, link);
  assert.ok(!/[()"'\s[\]]/.test(target), `the argument is fully encoded: ${target}`);
  assert.deepEqual(JSON.parse(decodeURIComponent(target)), [hostileId]);
});

test('an empty stack leaves no empty code block', () => {
  const markdown = errorHoverMarkdown({ title: 'Error', frames: [], traceId: 't' }, relative);
  assert.ok(!markdown.includes('```'));
  assert.ok(markdown.startsWith('**Serverless Lens** · Error\n\n['));
  assert.deepEqual(codeBlock('a').split('\n'), ['```text', 'a', '```', '', '']);
});
