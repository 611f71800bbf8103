// Alert rules: compiling the hand-edited setting (bad items reported, never thrown), matching tail
// lines (real samples and the formats written out), the notification excerpt, and storm
// aggregation on an injected clock, up to 10,000 lines.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertAggregator, compileAlertRules, firstAlertText, followUpText, globToRegExp, lineExcerpt, matchLine, parsePattern } from '../../../src/core/alertRules';
import type { AlertNotice, AlertRule } from '../../../src/core/alertRules';
import { parseLambdaLogLine } from '../../../src/core/lambdaLogParser';
import { eventsOf, sampleFiles } from './lambdaLogSamples';

function rules(raw: unknown): AlertRule[] {
  const compiled = compileAlertRules(raw);
  assert.deepEqual(compiled.problems, [], 'no problems');
  return compiled.rules;
}

describe('compileAlertRules', () => {
  test('valid items: name defaults to the pattern, functions become anchored globs', () => {
    const [errors, timeouts] = rules([{ pattern: 'ERROR|Task timed out|Runtime.ExitError', functions: ['orders-*'], name: 'errors' }, { pattern: '/timed out/i' }]);
    assert.equal(errors?.name, 'errors');
    assert.equal(errors?.index, 0);
    assert.equal(timeouts?.name, '/timed out/i');
    assert.equal(timeouts?.functions, undefined);
    assert.ok(errors?.functions?.[0]?.test('orders-create'));
    assert.ok(!errors?.functions?.[0]?.test('billing-orders-create'));
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['not a list', { pattern: 'ERROR' }, /^serverlessLens\.alerts\.rules must be a list/],
    ['a string item', ['ERROR'], /^serverlessLens\.alerts\.rules\[0\]: must be an object/],
    ['no pattern', [{ name: 'x' }], /\[0\]: "pattern" must be a non-empty string/],
    ['empty pattern', [{ pattern: '  ' }], /\[0\]: "pattern" must be a non-empty string/],
    ['invalid regex', [{ pattern: 'ERROR(' }], /\[0\]: "pattern" "ERROR\(" is not a valid regular expression \(.+\); that rule is ignored\.$/],
    ['unknown flag', [{ pattern: '/error/x' }], /unknown flag "x"/],
    ['matches everything', [{ pattern: '.*' }], /matches every line/],
    ['functions not a list', [{ pattern: 'E', functions: 'orders-*' }], /"functions" must be a non-empty list/],
    ['functions with a number', [{ pattern: 'E', functions: ['a', 3] }], /"functions" must be a non-empty list/],
  ];
  for (const [what, raw, message] of bad) {
    test(`reports ${what} with the setting's name, without throwing`, () => {
      const compiled = compileAlertRules(raw);
      assert.equal(compiled.rules.length, 0);
      assert.equal(compiled.problems.length, 1);
      assert.match(compiled.problems[0] ?? '', message);
      assert.match(compiled.problems[0] ?? '', /serverlessLens\.alerts\.rules/);
    });
  }

  test('a bad item does not disable the good ones; indexes stay the setting\'s', () => {
    const compiled = compileAlertRules([{ pattern: '(' }, { pattern: 'ERROR' }, null]);
    assert.deepEqual(compiled.rules.map((rule) => rule.index), [1]);
    assert.equal(compiled.problems.length, 2);
    assert.match(compiled.problems[1] ?? '', /\[2\]/);
  });

  test('undefined and null are no rules and no problem', () => {
    assert.deepEqual(compileAlertRules(undefined), { rules: [], problems: [] });
    assert.deepEqual(compileAlertRules(null), { rules: [], problems: [] });
  });
});

describe('patterns and globs', () => {
  test('case-sensitive unless written /…/i; g and y are dropped so test() stays stateless', () => {
    const plain = parsePattern('error') as RegExp;
    assert.ok(!plain.test('ERROR boom'));
    const insensitive = parsePattern('/error/i') as RegExp;
    assert.ok(insensitive.test('ERROR boom'));
    const global = parsePattern('/x/gi') as RegExp;
    assert.equal(global.flags, 'i');
    assert.ok(global.test('X') && global.test('X'), 'the same answer twice');
    assert.equal((parsePattern('a/b') as RegExp).source, 'a\\/b');
  });

  test('glob: * and ? are wildcards, everything else literal', () => {
    assert.ok(globToRegExp('orders-?').test('orders-a'));
    assert.ok(!globToRegExp('orders-?').test('orders-ab'));
    assert.ok(!globToRegExp('a.b').test('axb'));
    assert.ok(globToRegExp('*').test('anything'));
  });
});

describe('matchLine', () => {
  const [errors, timeouts, ordersOnly] = rules([{ pattern: 'ERROR|Task timed out|Runtime.ExitError', name: 'errors' }, { pattern: '/timed out/i', name: 'timeouts' }, { pattern: 'WARN', functions: ['orders-*'] }]);
  const all = [errors, timeouts, ordersOnly] as AlertRule[];

  test('every matching rule, with where it matched', () => {
    const text = '2024-05-01T10:00:00.000Z e1 Task timed out after 3.00 seconds';
    const found = matchLine(all, 'billing', text);
    assert.deepEqual(found.map((match) => match.rule.name), ['errors', 'timeouts']);
    assert.equal(found[0]?.at, text.indexOf('Task timed out'));
    assert.equal(found[0]?.length, 'Task timed out'.length);
  });

  test('function-scoped rules match only their functions; unknown functions only global rules', () => {
    assert.equal(matchLine(all, 'orders-create', 'x\tWARN\tslow').length, 1);
    assert.equal(matchLine(all, 'billing', 'x\tWARN\tslow').length, 0);
    assert.equal(matchLine(all, undefined, 'x\tWARN\tslow').length, 0);
  });

  test('over the real samples: the lines with ERROR, timeouts or exits match, the others do not', () => {
    let matched = 0;
    let lines = 0;
    for (const file of sampleFiles()) {
      for (const event of eventsOf(file)) {
        const parsed = parseLambdaLogLine(event.message);
        const expected = /ERROR|Task timed out|Runtime\.ExitError/.test(parsed.raw);
        assert.equal(matchLine([errors as AlertRule], 'fn', parsed.raw).length > 0, expected, `${file}: ${parsed.raw.slice(0, 80)}`);
        if (expected) matched++;
        lines++;
      }
    }
    assert.ok(lines > 100 && matched > 3, `${matched} of ${lines} sample lines matched`);
  });

  test('only the head of a huge line is scanned', () => {
    const huge = `${'x'.repeat(20_000)}ERROR`;
    assert.equal(matchLine([errors as AlertRule], 'fn', huge).length, 0);
    assert.equal(matchLine([errors as AlertRule], 'fn', `ERROR${'x'.repeat(20_000)}`).length, 1);
  });
});

describe('lineExcerpt', () => {
  test('short lines are shown whole, tabs and newlines as single spaces', () => {
    assert.equal(lineExcerpt('2024-05-01T10:00:00.000Z\te1\tERROR\tboom\n'), '2024-05-01T10:00:00.000Z e1 ERROR boom');
  });

  test('a long line keeps its start when the match is near it', () => {
    const text = `ERROR ${'detail '.repeat(60)}`;
    const excerpt = lineExcerpt(text, 0, 5, 60);
    assert.equal(excerpt.length, 60);
    assert.ok(excerpt.startsWith('ERROR detail'));
    assert.ok(excerpt.endsWith('…'));
  });

  test('a match far into the line is shown with context before it', () => {
    const text = `${'a'.repeat(500)} Task timed out after 3.00 seconds ${'b'.repeat(500)}`;
    const at = text.indexOf('Task');
    const excerpt = lineExcerpt(text, at, 14, 80);
    assert.ok(excerpt.length <= 80, excerpt);
    assert.ok(excerpt.startsWith('…') && excerpt.endsWith('…'));
    assert.ok(excerpt.includes('Task timed out'));
  });

  test('notification texts', () => {
    const [rule] = rules([{ pattern: 'ERROR', name: 'errors' }]);
    assert.equal(firstAlertText(rule as AlertRule, 'orders-fn', 'ERROR boom'), "Alert 'errors': orders-fn: ERROR boom");
    assert.equal(followUpText({ rule: rule as AlertRule, count: 12, functions: ['orders-fn'], windowMs: 30_000 }), "12 more matches of 'errors' in orders-fn in the last 30 s");
    assert.equal(followUpText({ rule: rule as AlertRule, count: 1, functions: ['a', 'b', 'c', 'd', 'e'], windowMs: 300_000 }), "1 more match of 'errors' in a, b, c and 2 more functions in the last 5 min");
  });
});

describe('AlertAggregator', () => {
  const [errors, timeouts] = rules([{ pattern: 'ERROR', name: 'errors' }, { pattern: 'timed out', name: 'timeouts' }]) as [AlertRule, AlertRule];

  function clock(): { now: () => number; advance: (ms: number) => void } {
    let now = 1_000_000;
    return { now: () => now, advance: (ms) => (now += ms) };
  }

  interface Step {
    at: number;
    rule?: 'errors' | 'timeouts';
    fn?: string;
  }

  /** Runs steps (offers at times; a step without a rule only calls due()), collecting notices as text. */
  function run(steps: Step[], windowMs = 30_000): string[] {
    const c = clock();
    const start = c.now();
    const aggregator = new AlertAggregator<number>(c.now, windowMs);
    const out: string[] = [];
    const say = (notice: AlertNotice<number>): void => {
      out.push(notice.kind === 'first' ? `${(c.now() - start) / 1000}s first ${notice.rule.name} ${notice.functionName} #${notice.item}` : `${(c.now() - start) / 1000}s ${followUpText(notice)} #${notice.latest}`);
    };
    steps.forEach((step, index) => {
      c.advance(step.at - (c.now() - start));
      for (const notice of aggregator.due()) say(notice);
      if (step.rule !== undefined) {
        const first = aggregator.offer(step.rule === 'errors' ? errors : timeouts, step.fn ?? 'orders-fn', index);
        if (first) say(first);
      }
    });
    return out;
  }

  const table: Array<[string, Step[], string[]]> = [
    ['one match: one alert, no follow-up', [{ at: 0, rule: 'errors' }, { at: 60_000 }], ['0s first errors orders-fn #0']],
    [
      'a burst: the first alerts, the rest become one follow-up when the window closes',
      [{ at: 0, rule: 'errors' }, { at: 1000, rule: 'errors' }, { at: 2000, rule: 'errors' }, { at: 29_000, rule: 'errors' }, { at: 30_000 }, { at: 61_000 }],
      ['0s first errors orders-fn #0', "30s 3 more matches of 'errors' in orders-fn in the last 30 s #3"],
    ],
    [
      'a match after a quiet window alerts at once again',
      [{ at: 0, rule: 'errors' }, { at: 31_000, rule: 'errors' }],
      ['0s first errors orders-fn #0', '31s first errors orders-fn #1'],
    ],
    [
      'rules are rate-limited separately',
      [{ at: 0, rule: 'errors' }, { at: 1, rule: 'timeouts' }, { at: 2, rule: 'errors' }, { at: 31_000 }],
      ['0s first errors orders-fn #0', '0.001s first timeouts orders-fn #1', "31s 1 more match of 'errors' in orders-fn in the last 30 s #2"],
    ],
    [
      'one rule over several functions: the follow-up names them, most matches first',
      [{ at: 0, rule: 'errors', fn: 'a' }, { at: 1, rule: 'errors', fn: 'b' }, { at: 2, rule: 'errors', fn: 'b' }, { at: 3, rule: 'errors', fn: 'a' }, { at: 4, rule: 'errors', fn: 'b' }, { at: 30_000 }],
      ['0s first errors a #0', "30s 4 more matches of 'errors' in b, a in the last 30 s #4"],
    ],
    [
      'a late timer: the closed window still reports before the next storm alerts',
      [{ at: 0, rule: 'errors' }, { at: 10, rule: 'errors' }],
      ['0s first errors orders-fn #0'],
    ],
  ];
  for (const [what, steps, expected] of table) {
    test(what, () => assert.deepEqual(run(steps), expected));
  }

  test('a late timer, continued: offer after the window keeps the closed count for due()', () => {
    const c = clock();
    const aggregator = new AlertAggregator<number>(c.now, 30_000);
    assert.ok(aggregator.offer(errors, 'fn', 0));
    assert.equal(aggregator.offer(errors, 'fn', 1), undefined);
    c.advance(45_000);
    assert.ok(aggregator.offer(errors, 'fn', 2), 'a new storm alerts at once');
    assert.equal(aggregator.nextDueAt(), c.now(), 'the closed window is due now');
    assert.deepEqual(aggregator.due().map((notice) => [notice.count, notice.latest]), [[1, 1]]);
  });

  test('a storm of 10,000 lines over 10 s raises 2 notifications: the alert and one count', () => {
    const c = clock();
    const aggregator = new AlertAggregator<number>(c.now, 30_000);
    const notices: AlertNotice<number>[] = [];
    for (let i = 0; i < 10_000; i++) {
      c.advance(1);
      notices.push(...aggregator.due());
      const first = aggregator.offer(errors, 'orders-fn', i);
      if (first) notices.push(first);
    }
    c.advance(30_000);
    notices.push(...aggregator.due());
    c.advance(30_000);
    notices.push(...aggregator.due());
    assert.equal(notices.length, 2);
    const [first, followUp] = notices;
    assert.equal(first?.kind, 'first');
    assert.equal(followUp?.kind === 'followUp' ? followUp.count : -1, 9_999);
    assert.equal(followUp?.kind === 'followUp' ? followUpText(followUp) : '', "9999 more matches of 'errors' in orders-fn in the last 30 s");
    assert.equal(aggregator.nextDueAt(), undefined, 'idle after the storm');
  });

  test('a storm of 10,000 lines over 10 minutes: one notification per window at most', () => {
    const c = clock();
    const aggregator = new AlertAggregator<number>(c.now, 30_000);
    let notifications = 0;
    let counted = 0;
    for (let i = 0; i < 10_000; i++) {
      c.advance(60);
      for (const notice of aggregator.due()) {
        notifications++;
        counted += notice.count;
      }
      if (aggregator.offer(errors, 'orders-fn', i)) {
        notifications++;
        counted++;
      }
    }
    c.advance(30_000);
    for (const notice of aggregator.due()) {
      notifications++;
      counted += notice.count;
    }
    assert.equal(counted, 10_000, 'every match is reported, as the alert or in a count');
    assert.ok(notifications <= 1 + Math.ceil((10_000 * 60) / 30_000) + 1, `${notifications} notifications`);
  });

  test('reset forgets running windows; setWindow applies to the next window', () => {
    const c = clock();
    const aggregator = new AlertAggregator<number>(c.now, 30_000);
    assert.ok(aggregator.offer(errors, 'fn', 0));
    aggregator.reset();
    assert.ok(aggregator.offer(errors, 'fn', 1), 'alerts again after a reset');
    aggregator.setWindow(5_000);
    aggregator.offer(errors, 'fn', 2);
    c.advance(5_000);
    assert.deepEqual(aggregator.due(), [], 'the running window keeps its 30 s');
    c.advance(25_000);
    const [followUp] = aggregator.due();
    assert.equal(followUp?.windowMs, 30_000);
    aggregator.offer(errors, 'fn', 3);
    c.advance(5_000);
    assert.equal(aggregator.due()[0]?.windowMs, 5_000);
  });
});
