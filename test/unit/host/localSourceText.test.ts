// What the Local group and the status bar say about the receivers and their counters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { droppedCount, localGroupDescription, localStatusText, localTooltipLines } from '../../../src/host/local/localSourceText';
import type { ReceiverCounters } from '../../../src/local/localTraceTypes';

const counters: ReceiverCounters = { datagrams: 1200, otlpRequests: 3, segments: 1190, spans: 40, logRecords: 12, malformed: 2, droppedRate: 5, droppedBytes: 1, evictedTraces: 7 };

test('a running group names both addresses and the trace count', () => {
  const text = localGroupDescription({ running: true, udp: '127.0.0.1:2000', otlp: '127.0.0.1:4318', traceCount: 12, shownCount: 12 });
  assert.equal(text, 'udp 127.0.0.1:2000 · otlp 127.0.0.1:4318 · 12 traces');
});

test('filtered rows, dropped and malformed input show in the description', () => {
  const text = localGroupDescription({ running: true, udp: '127.0.0.1:2000', otlp: '127.0.0.1:4318', traceCount: 12, shownCount: 3, counters });
  assert.equal(text, 'udp 127.0.0.1:2000 · otlp 127.0.0.1:4318 · 3 of 12 traces · 6 dropped · 2 malformed');
  assert.equal(droppedCount(counters), 6);
});

test('a stopped group with kept traces says so', () => {
  assert.equal(localGroupDescription({ running: false, traceCount: 1, shownCount: 1 }), 'stopped · 1 trace');
});

test('the tooltip has the addresses, every counter and the cap', () => {
  const lines = localTooltipLines({ running: true, udp: '127.0.0.1:2000', otlp: '127.0.0.1:4318', traceCount: 12, shownCount: 12, counters, maxTraces: 1000 });
  const text = lines.join('\n');
  for (const part of ['127.0.0.1:2000', '127.0.0.1:4318', '1,200 datagrams', '3 OTLP requests', '5 over the rate cap', '1 over the bytes-per-trace cap', '7 old traces evicted', 'Malformed (not parseable, see the log): 2', 'at most 1,000']) {
    assert.ok(text.includes(part), `tooltip lacks "${part}":\n${text}`);
  }
});

test('the status bar text counts traces', () => {
  assert.equal(localStatusText(12), '$(radio-tower) Local · 12 traces');
  assert.equal(localStatusText(1), '$(radio-tower) Local · 1 trace');
});
