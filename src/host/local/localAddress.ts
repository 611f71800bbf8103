/**
 * The `host:port` settings of the local receivers (`serverlessLens.local.udpAddress`,
 * `…otlpAddress`): parsed, checked and described. Pure (no `vscode`, no I/O), so the rules a user
 * sees in the settings are unit-tested.
 */

export interface ReceiverAddress {
  /** `127.0.0.1`, `::1`, `0.0.0.0`, `localhost`… as written (IPv6 without brackets). */
  host: string;
  /** 0 asks the system for a free port. */
  port: number;
}

/**
 * Reads `127.0.0.1:2000`, `[::1]:2000`, `localhost:4318`, or a bare port (`2000`, which binds
 * loopback). Returns a message naming the setting's problem instead of throwing.
 */
export function parseReceiverAddress(text: string): ReceiverAddress | { error: string } {
  const value = text.trim();
  if (value === '') {
    return { error: 'the address is empty; use host:port, such as 127.0.0.1:2000' };
  }
  if (/^\d+$/.test(value)) {
    return withPort('127.0.0.1', value);
  }
  const bracketed = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(value);
  if (bracketed !== null) {
    return withPort(bracketed[1] as string, bracketed[2] as string);
  }
  const colon = value.lastIndexOf(':');
  if (colon <= 0 || value.indexOf(':') !== colon) {
    return { error: `"${value}" is not host:port (write IPv6 addresses as [::1]:2000)` };
  }
  const host = value.slice(0, colon);
  if (!/^[A-Za-z0-9.-]+$/.test(host)) {
    return { error: `"${host}" is not a host name or IP address` };
  }
  return withPort(host, value.slice(colon + 1));
}

function withPort(host: string, portText: string): ReceiverAddress | { error: string } {
  if (!/^\d{1,5}$/.test(portText)) {
    return { error: `"${portText}" is not a port number` };
  }
  const port = Number(portText);
  if (port > 65_535) {
    return { error: `port ${port} is out of range (0–65535)` };
  }
  return { host, port };
}

/** True when only this machine can reach the address: 127.0.0.0/8, ::1, `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase();
  if (lower === 'localhost' || lower === '::1' || lower === '0:0:0:0:0:0:0:1') {
    return true;
  }
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(lower) ?? /^::ffff:127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(lower);
  return v4 !== null && v4.slice(1).every((part) => Number(part) <= 255);
}

/** `127.0.0.1:2000`, `[::1]:2000`: how an address reads in labels and messages. */
export function formatReceiverAddress(address: ReceiverAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
