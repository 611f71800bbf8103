/**
 * A tail session end to end in plain Node: the real LogTail and CloudWatchLogsClient against the
 * local endpoint, events pushed through the test control endpoint (`POST /__test/liveTail/emit`,
 * as the extension-host tests push them), parsed once, request and trace ids indexed, the line
 * cap, the idle stop, a filter-pattern restart, the polling mode, and sampling reported once.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LogTail } from '../../../src/aws/liveTail';
import { TailSession } from '../../../src/host/tail/tailSession';
import type { TailSessionListener, TailStopReason, TailTarget } from '../../../src/host/tail/tailSession';
import type { TailLine } from '../../../src/host/tail/tailFeed';
import type { TailViewStatus } from '../../../src/shared/tailMessages';
import { startTestConnection } from '../../support/awsTestConnection';
import type { TestConnection } from '../../support/awsTestConnection';

const ACCOUNT = '123456789012';
const target = (name: string): TailTarget => ({ functionName: name, logGroupName: `/aws/lambda/${name}`, logGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/${name}` });
const TRACE = '1-65f1a2b3-0123456789abcdef01234567';
const REQUEST = '8f5e0b1c-3d2a-4e6f-9a7b-1c2d3e4f5a6b';

let conn: TestConnection;
const sessions: TailSession[] = [];

before(async () => {
  conn = await startTestConnection();
  // AWS sends an update per second; a shorter tick keeps the tests quick (emit sends at once anyway).
  conn.server.liveTail.updateIntervalMs = 100;
});
after(async () => conn.close());
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.stop('user', 'test over')));
});

interface Recorder extends TailSessionListener {
  lines: TailLine[];
  statuses: TailViewStatus[];
  sampled: number;
  stops: { reason: TailStopReason; message: string }[];
}

function recorder(): Recorder {
  const rec: Recorder = {
    lines: [],
    statuses: [],
    sampled: 0,
    stops: [],
    onLines: (_s, lines) => void rec.lines.push(...lines),
    onStatus: (_s, status) => void rec.statuses.push(status),
    onSampled: () => void (rec.sampled += 1),
    onStopped: (_s, reason, message) => void rec.stops.push({ reason, message }),
  };
  return rec;
}

function open(rec: Recorder, overrides: Partial<ConstructorParameters<typeof TailSession>[0]> = {}): TailSession {
  const session = new TailSession(
    {
      id: `t${sessions.length}`,
      targets: [target('orders-create'), target('orders-list')],
      client: conn.factory.logs(),
      createTail: (client) => new LogTail(client),
      maxLines: 1000,
      mode: 'auto',
      idleStopMs: 0,
      tuning: { batchIntervalMs: 50, pollMinIntervalMs: 100, pollMaxIntervalMs: 400, reconnectBaseMs: 50 },
      ...overrides,
    },
    rec,
  );
  sessions.push(session);
  session.start();
  return session;
}

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function emit(body: unknown): Promise<{ status: number; json: { delivered?: number; __type?: string } }> {
  const response = await fetch(`${conn.server.url}/__test/liveTail/emit`, { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as { delivered?: number; __type?: string } };
}

describe('tail session over Live Tail', () => {
  test('emitted events arrive parsed, tagged with their function, request and trace ids indexed', async () => {
    const rec = recorder();
    const session = open(rec);
    await until(() => conn.server.liveTail.openSessions === 1 && session.status.state === 'live', 'the live session');
    const stream = '2026/03/13/[$LATEST]abcdef';
    const emitted = await emit({
      logGroupIdentifier: '/aws/lambda/orders-create',
      events: [
        { message: `START RequestId: ${REQUEST} Version: $LATEST\n`, logStreamName: stream },
        { message: `2026-03-13T10:00:00.000Z\t${REQUEST}\tERROR\tboom\n`, logStreamName: stream },
        { message: 'a line without request id\n', logStreamName: stream },
        { message: `REPORT RequestId: ${REQUEST}\tDuration: 182.00 ms\tBilled Duration: 183 ms\tMemory Size: 512 MB\tMax Memory Used: 96 MB\tInit Duration: 230.11 ms\t\nXRAY TraceId: ${TRACE}\tSegmentId: 0123456789abcdef\tSampled: true\t\n`, logStreamName: stream },
      ],
    });
    assert.equal(emitted.status, 200);
    assert.equal(emitted.json.delivered, 4);
    await until(() => rec.lines.length === 4, '4 lines');
    assert.deepEqual(rec.lines.map((l) => l.parsed.kind), ['start', 'app', 'app', 'report']);
    assert.ok(rec.lines.every((l) => l.functionName === 'orders-create' && l.logGroupName === '/aws/lambda/orders-create'));
    assert.deepEqual(rec.lines.map((l) => l.seq), [0, 1, 2, 3]);
    // The line without an id takes the request of its stream's previous line.
    assert.equal(rec.lines[2]?.parsed.requestId, REQUEST);
    assert.equal(session.traceIdOf(REQUEST), TRACE);
    assert.equal(session.line(3)?.parsed.kind, 'report');
    assert.ok(rec.lines.every((l) => typeof l.receivedAt === 'number'));
  });

  test('the emit endpoint delivers to the named group only, and to every session without a group', async () => {
    const a = recorder();
    const b = recorder();
    open(a, { targets: [target('orders-create')] });
    open(b, { targets: [target('orders-list')] });
    await until(() => conn.server.liveTail.openSessions === 2, 'two sessions');
    assert.equal((await emit({ logGroupIdentifier: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/orders-list`, events: [{ message: 'only b' }] })).json.delivered, 1);
    assert.equal((await emit({ events: [{ message: 'both' }] })).json.delivered, 2);
    await until(() => a.lines.length === 1 && b.lines.length === 2, 'lines in both');
    assert.deepEqual(a.lines.map((l) => l.parsed.raw), ['both']);
    assert.deepEqual(b.lines.map((l) => l.parsed.raw), ['only b', 'both']);
    const bad = await emit({ events: [{ message: 42 }] });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.__type, 'InvalidParameterException');
  });

  test('the newest maxLines lines are kept; clearing counts the cleared as dropped', async () => {
    const rec = recorder();
    const session = open(rec, { maxLines: 5 });
    await until(() => session.status.state === 'live', 'live');
    await emit({ events: Array.from({ length: 8 }, (_, i) => ({ message: `line ${i}` })) });
    await until(() => rec.lines.length === 8, '8 lines');
    assert.deepEqual(session.lines().map((l) => l.parsed.raw), ['line 3', 'line 4', 'line 5', 'line 6', 'line 7']);
    assert.equal(session.dropped, 3);
    assert.equal(session.line(1), undefined);
    session.setMaxLines(2);
    assert.deepEqual(session.lines().map((l) => l.parsed.raw), ['line 6', 'line 7']);
    session.clear();
    assert.equal(session.lines().length, 0);
    assert.equal(session.dropped, 8);
  });

  test('a filter pattern restarts the tail with it; the server applies it', async () => {
    const rec = recorder();
    const session = open(rec);
    await until(() => session.status.state === 'live', 'live');
    await session.setFilterPattern('ERROR');
    await until(() => conn.server.liveTail.openSessions === 1 && session.status.state === 'live', 'restarted');
    const last = conn.server.requests.filter((r) => r.operation === 'StartLiveTail').at(-1);
    assert.equal(last?.body?.logEventFilterPattern, 'ERROR');
    await emit({ events: [{ message: 'INFO fine' }, { message: 'ERROR broken' }] });
    await until(() => rec.lines.length === 1, 'the matching line');
    assert.equal(rec.lines[0]?.parsed.raw, 'ERROR broken');
    assert.equal(session.status.filterPattern, 'ERROR');
    assert.ok(!rec.stops.some((stop) => stop.reason !== 'restart'), 'a restart is not reported as a stop');
  });

  test('stops itself after the idle period and says why; starts again on request', async () => {
    const rec = recorder();
    const session = open(rec, { idleStopMs: 300 });
    await until(() => rec.stops.length === 1, 'the idle stop', 3000);
    assert.equal(rec.stops[0]?.reason, 'idle');
    assert.match(rec.stops[0]?.message ?? '', /without log events/);
    assert.equal(session.isRunning, false);
    assert.equal(session.status.state, 'stopped');
    await until(() => conn.server.liveTail.openSessions === 0, 'the stream closed');
    session.start();
    await until(() => session.status.state === 'live', 'live again');
  });

  test('sampling is reported once per session', async () => {
    conn.server.liveTail.maxEventsPerUpdate = 10;
    try {
      const rec = recorder();
      const session = open(rec);
      await until(() => session.status.state === 'live', 'live');
      await emit({ events: Array.from({ length: 30 }, (_, i) => ({ message: `burst ${i}` })) });
      await emit({ events: Array.from({ length: 30 }, (_, i) => ({ message: `burst2 ${i}` })) });
      await until(() => rec.lines.length === 20, '2 samples of 10');
      assert.equal(rec.sampled, 1);
      assert.equal(session.status.sampled, true);
    } finally {
      conn.server.liveTail.maxEventsPerUpdate = 500;
    }
  });
});

describe('tail session polling', () => {
  test('polling mode reads FilterLogEvents and reports its source', async () => {
    const rec = recorder();
    const session = open(rec, { mode: 'polling', targets: [target('orders-poll')] });
    await until(() => session.status.state === 'polling', 'polling');
    assert.equal(session.status.source, 'polling');
    // No stream is open, so the endpoint delivers nothing live but mirrors into the group.
    const emitted = await emit({ logGroupIdentifier: '/aws/lambda/orders-poll', events: [{ message: 'polled line', timestamp: Date.now() }] });
    assert.equal(emitted.json.delivered, 0);
    await until(() => rec.lines.length === 1, 'the polled line');
    assert.equal(rec.lines[0]?.functionName, 'orders-poll');
    assert.equal(session.billedMinutes(), 0);
  });
});
