/**
 * Why a local receiver could not start, in words a user can act on: a port in use names the port
 * and the setting to change; an address that is not on this machine says so.
 */

export type ReceiverKind = 'udp' | 'otlp';
export type ReceiverStartProblem = 'portInUse' | 'addressNotAvailable' | 'permissionDenied' | 'other';

const NAMES: Record<ReceiverKind, string> = { udp: 'X-Ray UDP receiver', otlp: 'OTLP/HTTP receiver' };

function problemOf(code: string | undefined): ReceiverStartProblem {
  switch (code) {
    case 'EADDRINUSE':
      return 'portInUse';
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EINVAL':
      return 'addressNotAvailable';
    case 'EACCES':
    case 'EPERM':
      return 'permissionDenied';
    default:
      return 'other';
  }
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export class ReceiverStartError extends Error {
  readonly problem: ReceiverStartProblem;
  /** The system error code (`EADDRINUSE`, …), when there is one. */
  readonly code: string | undefined;

  constructor(
    readonly receiver: ReceiverKind,
    readonly host: string,
    readonly port: number,
    /** The setting that chooses this address, such as `serverlessLens.local.udpAddress`. */
    readonly setting: string,
    cause: Error,
  ) {
    const code = (cause as NodeJS.ErrnoException).code;
    const problem = problemOf(code);
    const where = hostPort(host, port);
    const name = NAMES[receiver];
    let message: string;
    switch (problem) {
      case 'portInUse':
        message = receiver === 'udp'
          ? `The ${name} cannot listen on ${where}: port ${port} is already in use (is an X-Ray daemon or another editor window running?). Stop it, or choose another port with the setting ${setting} and point AWS_XRAY_DAEMON_ADDRESS at it.`
          : `The ${name} cannot listen on ${where}: port ${port} is already in use (is an OpenTelemetry Collector running?). Stop it, or choose another port with the setting ${setting} and point OTEL_EXPORTER_OTLP_ENDPOINT at it.`;
        break;
      case 'addressNotAvailable':
        message = `The ${name} cannot listen on ${where}: ${host} is not an address of this machine. Fix the setting ${setting} (127.0.0.1 keeps it local).`;
        break;
      case 'permissionDenied':
        message = `The ${name} is not allowed to listen on ${where}${port < 1024 ? ' (ports below 1024 need administrator rights)' : ''}. Choose another port with the setting ${setting}.`;
        break;
      default:
        message = `The ${name} cannot listen on ${where}: ${cause.message}. Check the setting ${setting}.`;
    }
    super(message, { cause });
    this.name = 'ReceiverStartError';
    this.problem = problem;
    this.code = code;
  }
}
