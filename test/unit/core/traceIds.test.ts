import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isW3cTraceId, isXrayTraceId, parseTraceIdInput, traceIdEpochSeconds, w3cToXray, xrayToW3c } from '../../../src/core/traceIds';
import { traceConsoleUrl } from '../../../src/core/consoleLinks';

const XRAY = '1-5759e988-bd862e3fe1be46a994272793';
const W3C = '5759e988bd862e3fe1be46a994272793';

describe('trace id conversions', () => {
  test('X-Ray and W3C ids carry the same bits both ways', () => {
    assert.equal(xrayToW3c(XRAY), W3C);
    assert.equal(w3cToXray(W3C), XRAY);
    assert.equal(w3cToXray('4BF92F3577B34DA6A3CE929D0E0E4736'), '1-4bf92f35-77b34da6a3ce929d0e0e4736');
    assert.equal(xrayToW3c('not an id'), undefined);
    assert.equal(w3cToXray('00000000000000000000000000000000'), undefined);
  });

  test('recognizers accept only the exact shapes', () => {
    assert.ok(isXrayTraceId(XRAY));
    assert.ok(!isXrayTraceId(`${XRAY}0`));
    assert.ok(!isXrayTraceId('2-5759e988-bd862e3fe1be46a994272793'));
    assert.ok(!isXrayTraceId('1-5759e98g-bd862e3fe1be46a994272793'));
    assert.ok(isW3cTraceId(W3C));
    assert.ok(!isW3cTraceId(W3C.slice(1)));
    assert.ok(!isW3cTraceId('0'.repeat(32)));
  });

  test('the epoch seconds come from the first part of the id', () => {
    assert.equal(traceIdEpochSeconds(XRAY), 0x5759e988);
    assert.equal(new Date((traceIdEpochSeconds('1-59602603-23fc5b688855d396af79b496') ?? 0) * 1000).toISOString(), '2017-07-08T00:23:31.000Z');
    assert.equal(traceIdEpochSeconds('garbage'), undefined);
  });
});

describe('parseTraceIdInput', () => {
  const accepted: Array<[string, string]> = [
    ['plain X-Ray id', XRAY],
    ['X-Ray id with spaces and uppercase', `  ${XRAY.toUpperCase().replace('1-', '1-')}  \n`],
    ['quoted X-Ray id', `"${XRAY}"`],
    ['W3C id', W3C],
    ['uppercase W3C id', W3C.toUpperCase()],
    ['UUID-style W3C id', '5759e988-bd86-2e3f-e1be-46a994272793'],
    ['whole header', `X-Amzn-Trace-Id: Root=${XRAY};Parent=53995c3f42cd8ad8;Sampled=1`],
    ['header value', `Root=${XRAY};Parent=53995c3f42cd8ad8;Sampled=1`],
    ['header value, odd case and spaces', `root = ${XRAY} ; parent=53995c3f42cd8ad8; sampled=1`],
    ['header with Lineage', `Root=${XRAY};Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1|68fd508a:5`],
    ['Lambda env variable', `_X_AMZN_TRACE_ID=Root=${XRAY};Parent=53995c3f42cd8ad8;Sampled=0`],
    ['Parent before Root', `Parent=53995c3f42cd8ad8;Root=${XRAY}`],
    ['REPORT line', `REPORT RequestId: 3604209a-e9a3-11e6-939a-754dd98c7be3\tDuration: 12.34 ms\tBilled Duration: 100 ms\tMemory Size: 128 MB\tMax Memory Used: 18 MB\t\nXRAY TraceId: ${XRAY}\tSegmentId: 3d752xmpl1bbe37e\tSampled: true`],
    ['traceparent header', `traceparent: 00-${W3C}-00f067aa0ba902b7-01`],
    ['bare traceparent', `00-${W3C}-00f067aa0ba902b7-01`],
    ['id inside a JSON log line', `{"level":"INFO","xray_trace_id":"${XRAY}","message":"hi"}`],
  ];
  for (const [label, input] of accepted) {
    test(`accepts ${label}`, () => assert.equal(parseTraceIdInput(input), XRAY));
  }

  const rejected: Array<[string, string]> = [
    ['empty text', '   '],
    ['a random word', 'hello'],
    ['a short X-Ray id', XRAY.slice(0, -1)],
    ['a long W3C id', `${W3C}0`],
    ['a non-hex id', '1-5759e988-bd862e3fe1be46a99427279z'],
    ['a span id only', '53995c3f42cd8ad8'],
    ['an all-zero W3C id', '0'.repeat(32)],
    ['a header with a bad Root', 'Root=1-abc;Parent=53995c3f42cd8ad8;Sampled=1'],
    ['a header without Root', 'Parent=53995c3f42cd8ad8;Sampled=1'],
    ['an id glued to more hex', `${XRAY}abc`],
  ];
  for (const [label, input] of rejected) {
    test(`rejects ${label}`, () => assert.equal(parseTraceIdInput(input), undefined));
  }
});

describe('traceConsoleUrl', () => {
  test('links to the trace in the CloudWatch console of the region', () => {
    assert.equal(traceConsoleUrl('eu-west-1', XRAY), `https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#xray:traces/${XRAY}`);
  });

  test('uses the partition console for China and GovCloud', () => {
    assert.ok(traceConsoleUrl('cn-north-1', XRAY).startsWith('https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#'));
    assert.ok(traceConsoleUrl('us-gov-west-1', XRAY).startsWith('https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#'));
  });

  test('never puts unvalidated text in the host and encodes the rest', () => {
    const url = new URL(traceConsoleUrl('evil.com/x?', '1-a b#c'));
    assert.equal(url.host, 'console.aws.amazon.com');
    assert.equal(url.searchParams.get('region'), 'evil.com/x?');
    assert.equal(url.hash, '#xray:traces/1-a%20b%23c');
  });
});
