// The hovers a live tail leaves in the editor: log lines are whatever the function printed, so
// they stay text (inside a code block they cannot close), and the only links are our own
// "open trace" and "show in tail" commands with arguments we encoded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLambdaLogLine } from '../../../src/core/lambdaLogParser';
import { TailInvocationLog } from '../../../src/core/tailInvocations';
import { OPEN_TRACE_COMMAND } from '../../../src/host/source/errorHoverText';
import { REVEAL_TAIL_LINE_COMMAND, invocationHoverMarkdown, revealLineLink, stackMarkHoverMarkdown } from '../../../src/host/tail/inlineHoverText';
import { outsideCode, withoutEscapes } from '../../support/markdownProse';

const HOSTILE = [
  '[click me](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)',
  '<img src=x onerror=alert(1)>',
  '```\n[run](command:workbench.action.quit)\n````',
  '$(alert) *bold* <!-- c -->',
];
const TRACE = '1-6630f0a0-0123456789abcdef01234567';
const T0 = Date.parse('2024-05-01T10:00:00.000Z');

/** Markdown outside fenced code blocks, with backslash escapes removed: what could be live syntax. */
function liveProse(markdown: string): string {
  return withoutEscapes(outsideCode(markdown));
}

function linkTargets(prose: string): string[] {
  return [...prose.matchAll(/\]\(([^)\s]*)/g)].map((match) => match[1] as string);
}

test('the inline result hover: verdict, facts, the log lines as text, our two links', () => {
  for (const text of HOSTILE) {
    const log = new TailInvocationLog();
    const lines = [
      'START RequestId: e1 Version: $LATEST\n',
      `2024-05-01T10:00:00.010Z\te1\tINFO\t${text}\n`,
      `2024-05-01T10:00:00.020Z\te1\tERROR\tInvoke Error \t${JSON.stringify({ errorType: 'TypeError', errorMessage: text, stack: [`TypeError: ${text}`, '    at handler (/var/task/index.js:2:3)'] })}\n`,
      `REPORT RequestId: e1\tDuration: 12.00 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 100.00 ms\tXRAY TraceId: ${TRACE}\tSegmentId: 0123456789abcdef\tSampled: true\n`,
    ];
    lines.forEach((line, index) => log.add(`fn-${text}`, parseLambdaLogLine(line), { sessionId: 'tail-1', seq: 10 + index }, T0 + index));
    const invocation = log.latestResult(`fn-${text}`);
    assert.ok(invocation);
    const markdown = invocationHoverMarkdown(invocation, T0 + 5000);
    const prose = liveProse(markdown);
    assert.deepEqual(linkTargets(prose), [
      `command:${OPEN_TRACE_COMMAND}?${encodeURIComponent(JSON.stringify([TRACE]))}`,
      `command:${REVEAL_TAIL_LINE_COMMAND}?${encodeURIComponent(JSON.stringify(['tail-1', 12]))}`,
    ]);
    assert.ok(!/<[a-z!/]/i.test(prose), `no HTML outside code: ${prose}`);
    assert.ok(!prose.includes('workbench.action'), 'hostile commands stay inside the code block');
    assert.ok(markdown.includes(lines[1]?.trimEnd() ?? ''), 'the log line reads as printed');
    assert.ok(prose.includes('cold start') && prose.includes('billed 13 ms'));
    assert.ok(prose.includes('latest invocation'));
  }
});

test('the stack mark hover: the stack, the hits, links only when known', () => {
  const frames = [{ frame: { path: '/var/task/index.js', line: 2, column: 3, label: '<b>x</b>', origin: 'node' as const, isRuntime: false }, resolved: { file: '/work/app/src/index.ts', line: 7, guess: false } }];
  const markdown = stackMarkHoverMarkdown({ functionName: 'orders-fn', title: HOSTILE[0] as string, frames, ref: { sessionId: 's', seq: 3 }, hits: 4 }, (file) => file.replace('/work/app/', ''));
  const prose = liveProse(markdown);
  assert.deepEqual(linkTargets(prose), [`command:${REVEAL_TAIL_LINE_COMMAND}?${encodeURIComponent(JSON.stringify(['s', 3]))}`], 'no trace link without a trace id');
  assert.ok(prose.includes('4 tailed errors pointed at this line'));
  assert.ok(markdown.includes('→ src/index.ts:7'));
  const withTrace = stackMarkHoverMarkdown({ functionName: undefined, title: 'Error', frames: [], ref: { sessionId: 's', seq: 3 }, hits: 1, traceId: TRACE }, (file) => file);
  assert.equal(linkTargets(liveProse(withTrace)).length, 2);
  assert.ok(!withTrace.includes('```'), 'no empty code block');
});

test('a hostile session id cannot end the link', () => {
  const link = revealLineLink({ sessionId: 'x") [evil](command:workbench.action.quit) ("', seq: 1 });
  const target = /\]\(command:serverlessLens\.revealTailLine\?(\S+) "/.exec(link)?.[1];
  assert.ok(target !== undefined && !/[()"'\s[\]]/.test(target), link);
});
