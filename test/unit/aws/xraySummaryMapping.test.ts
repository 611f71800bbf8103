import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetTraceSummariesCommand } from '@aws-sdk/client-xray';
import { mapTraceSummary, summaryStatus, traceIdEpochMs } from '../../../src/aws/xraySummaryMapping';
import { loadSampleTraces } from '../../support/sampleTraces';
import { startTestConnection } from '../../support/awsTestConnection';
import type { TestConnection } from '../../support/awsTestConnection';

const NOW = new Date('2026-11-20T12:00:00Z');
const samples = loadSampleTraces({ rebaseTo: NOW, count: 20 });

describe('mapTraceSummary', () => {
  let conn: TestConnection;
  before(async () => {
    conn = await startTestConnection({ traces: samples });
  });
  after(async () => {
    await conn.close();
  });

  async function summaries(): Promise<ReturnType<typeof mapTraceSummary>[]> {
    const out = await conn.factory.xray().send(new GetTraceSummariesCommand({ StartTime: new Date(NOW.getTime() - 3_600_000), EndTime: new Date(NOW.getTime() + 1000) }));
    return (out.TraceSummaries ?? []).map(mapTraceSummary);
  }

  test('maps the rows the SDK deserialized: ids, times, status, entry point, services', async () => {
    const rows = await summaries();
    assert.equal(rows.length, samples.length);
    const byId = new Map(rows.map((r) => [r?.id, r]));
    for (const sample of samples) {
      const row = byId.get(sample.id);
      assert.ok(row, sample.id);
      assert.equal(row.status, sample.status);
      assert.equal(Math.round(row.startEpochMs), Math.round(sample.startTime * 1000));
      assert.ok(row.durationMs > 0);
      assert.ok(row.services.length > 0);
    }
    const payment = rows.find((r) => r?.entryPoint === 'POST /prod/payments' && r.status === 'fault');
    assert.ok(payment, 'a faulted POST /payments trace');
    assert.equal(payment.http?.status, 502);
    assert.deepEqual(payment.rootCause, {
      service: 'payments-api-Charge',
      entity: 'Invocation',
      exceptionName: 'TypeError',
      message: "Cannot read properties of undefined (reading 'customerId')",
    });
    assert.ok(payment.services.includes('payments-api/prod') && payment.services.includes('DynamoDB'));
  });

  test('entry point falls back to the EntryPoint service, then the first service id', () => {
    assert.equal(mapTraceSummary({ Id: '1-5759e988-bd862e3fe1be46a994272793', EntryPoint: { Name: 'orders-worker', Type: 'AWS::Lambda::Function' } })?.entryPoint, 'orders-worker');
    assert.equal(mapTraceSummary({ Id: '1-5759e988-bd862e3fe1be46a994272793', ServiceIds: [{ Names: ['queue-consumer'] }] })?.entryPoint, 'queue-consumer');
    assert.equal(mapTraceSummary({ Id: 'x', Http: { HttpMethod: 'GET', HttpURL: '/relative/path' } })?.entryPoint, 'GET /relative/path');
    assert.equal(mapTraceSummary({}), undefined);
  });

  test('status precedence is fault > throttle > error > ok', () => {
    assert.equal(summaryStatus({ HasFault: true, HasThrottle: true, HasError: true }), 'fault');
    assert.equal(summaryStatus({ HasThrottle: true, HasError: true }), 'throttle');
    assert.equal(summaryStatus({ HasError: true }), 'error');
    assert.equal(summaryStatus({}), 'ok');
  });

  test('start time falls back to the trace id epoch', () => {
    assert.equal(traceIdEpochMs('1-5759e988-bd862e3fe1be46a994272793'), 0x5759e988 * 1000);
    assert.equal(mapTraceSummary({ Id: '1-5759e988-bd862e3fe1be46a994272793' })?.startEpochMs, 0x5759e988 * 1000);
  });

  test('maps the real GetTraceSummaries response from the X-Ray guide', () => {
    const path = join(__dirname, '../../fixtures/xray-api-responses/awsdocs-xray-GetTraceSummaries-scorekeep.json');
    const response = JSON.parse(readFileSync(path, 'utf8')) as { TraceSummaries: Parameters<typeof mapTraceSummary>[0][] };
    const rows = response.TraceSummaries.map(mapTraceSummary);
    assert.equal(rows[0]?.entryPoint, 'POST /api/session');
    assert.equal(rows[0]?.status, 'ok');
    assert.equal(rows[0]?.durationMs, 84);
    assert.equal(rows[0]?.startEpochMs, 0x59602606 * 1000);
  });
});
