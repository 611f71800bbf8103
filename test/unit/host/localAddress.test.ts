// The `host:port` settings of the local receivers: what a user may type, and which addresses
// count as this machine only (anything else asks before listening).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatReceiverAddress, isLoopbackHost, parseReceiverAddress } from '../../../src/host/local/localAddress';

test('reads host:port, [v6]:port and a bare port (loopback)', () => {
  assert.deepEqual(parseReceiverAddress('127.0.0.1:2000'), { host: '127.0.0.1', port: 2000 });
  assert.deepEqual(parseReceiverAddress(' localhost:4318 '), { host: 'localhost', port: 4318 });
  assert.deepEqual(parseReceiverAddress('[::1]:2000'), { host: '::1', port: 2000 });
  assert.deepEqual(parseReceiverAddress('2000'), { host: '127.0.0.1', port: 2000 });
  assert.deepEqual(parseReceiverAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
});

test('says what is wrong with an address instead of throwing', () => {
  for (const bad of ['', '127.0.0.1', '::1:2000', '127.0.0.1:99999', 'host name:2000', '127.0.0.1:port', 'http://127.0.0.1:4318']) {
    const parsed = parseReceiverAddress(bad);
    assert.ok('error' in parsed, `"${bad}" should be refused`);
    assert.ok(parsed.error.length > 10);
  }
});

test('only 127.0.0.0/8, ::1 and localhost are loopback', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '::ffff:127.0.0.1']) {
    assert.equal(isLoopbackHost(host), true, host);
  }
  for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', '128.0.0.1', '127.0.0.256', 'example.com', '']) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});

test('formats addresses as they are typed in the settings', () => {
  assert.equal(formatReceiverAddress({ host: '127.0.0.1', port: 2000 }), '127.0.0.1:2000');
  assert.equal(formatReceiverAddress({ host: '::1', port: 2000 }), '[::1]:2000');
  const round = parseReceiverAddress(formatReceiverAddress({ host: '::1', port: 4318 }));
  assert.deepEqual(round, { host: '::1', port: 4318 });
});
