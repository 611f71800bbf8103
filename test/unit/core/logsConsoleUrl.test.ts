// "Open in CloudWatch" for a trace's logs: the Logs Insights console URL carries the same groups,
// window and query, and no character of a hostile query or group escapes its place.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { logsInsightsConsoleUrl } from '../../../src/core/consoleLinks';

/** Reverses the console's encoding: `$` → `%` once, then each JSURL value's `*` → `%`. */
function decodeDetail(url: string): { end: string; start: string; query: string; groups: string[]; rest: string } {
  const fragment = url.split('#logsV2:logs-insights')[1] ?? '';
  const detail = decodeURIComponent(fragment.replace(/\$/g, '%'));
  assert.ok(detail.startsWith('?queryDetail=~('), detail);
  const value = (name: string): string => {
    const match = new RegExp(`[~(]${name}~'([^~()']*)`).exec(detail);
    assert.ok(match, name);
    return decodeURIComponent((match[1] ?? '').replace(/\*/g, '%'));
  };
  const source = /~source~\(((?:~'[^~()']*)*)\)\)$/.exec(detail);
  assert.ok(source, detail);
  const groups = (source[1] ?? '').split("~'").slice(1).map((g) => decodeURIComponent(g.replace(/\*/g, '%')));
  return { end: value('end'), start: value('start'), query: value('editorString'), groups, rest: detail };
}

describe('logsInsightsConsoleUrl', () => {
  const startMs = Date.parse('2024-05-01T10:00:00.000Z');
  const endMs = Date.parse('2024-05-01T10:05:30.250Z');

  test('points at the region and carries groups, absolute UTC window and query', () => {
    const query = 'fields @timestamp, @message | filter @requestId in ["a-1"] or @message like "1-5759e988-bd862e3fe1be46a994272793" | sort @timestamp asc | limit 10000';
    const url = logsInsightsConsoleUrl('eu-west-1', { logGroups: ['/aws/lambda/orders-api', '/custom/group#1'], startMs, endMs, query });
    assert.ok(url.startsWith('https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:logs-insights$3FqueryDetail$3D~(end~'), url);
    const decoded = decodeDetail(url);
    assert.equal(decoded.start, '2024-05-01T10:00:00.000Z');
    assert.equal(decoded.end, '2024-05-01T10:05:30.250Z');
    assert.equal(decoded.query, query);
    assert.deepEqual(decoded.groups, ['/aws/lambda/orders-api', '/custom/group#1']);
    assert.match(decoded.rest, /~timeType~'ABSOLUTE~tz~'UTC~/);
    assert.doesNotMatch(url, /[\s"<>%]/);
  });

  test("JSURL syntax characters in values stay inside their value", () => {
    const query = `filter @message like "~'()*!" | display @message # <script>&x=1`;
    const url = logsInsightsConsoleUrl('us-east-1', { logGroups: ["g~'(x)"], startMs, endMs, query });
    const decoded = decodeDetail(url);
    assert.equal(decoded.query, query);
    assert.deepEqual(decoded.groups, ["g~'(x)"]);
    assert.equal(url.split('#').length, 2);
  });

  test('an invalid region does not become a host name', () => {
    const url = logsInsightsConsoleUrl('evil.example.com/x', { logGroups: ['g'], startMs, endMs, query: 'q' });
    assert.ok(url.startsWith('https://console.aws.amazon.com/cloudwatch/home?region=evil.example.com%2Fx#'), url);
  });
});
