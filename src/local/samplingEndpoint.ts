/**
 * The X-Ray daemon's TCP side, as far as local tracing needs it: the SDKs' centralized sampling
 * asks the daemon (same address as the UDP port) for `POST /GetSamplingRules` and
 * `POST /SamplingTargets` (the X-Ray API's paths; `/GetSamplingTargets` is accepted too). Locally every request should be traced, so this answers with one
 * `Default` rule that samples everything (fixed rate 1, a large reservoir). Without it the SDKs
 * log connection errors and fall back to their local rule (1 request a second and 5 %), which
 * hides most local requests. Best effort: the receivers run without it if the TCP port is taken.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalHttpServer } from './localHttpServer';
import type { BoundAddress } from './udpReceiver';

const RULE_NAME = 'Default';
const RESERVOIR = 100_000;
/** Request bodies are a few hundred bytes; anything larger is not a sampling request. */
const MAX_BODY = 64 * 1024;

function ruleRecord(createdAt: number): Record<string, unknown> {
  return {
    SamplingRule: {
      RuleName: RULE_NAME,
      RuleARN: `arn:aws:xray:local:000000000000:sampling-rule/${RULE_NAME}`,
      ResourceARN: '*',
      Priority: 10000,
      FixedRate: 1,
      ReservoirSize: RESERVOIR,
      ServiceName: '*',
      ServiceType: '*',
      Host: '*',
      HTTPMethod: '*',
      URLPath: '*',
      Version: 1,
      Attributes: {},
    },
    CreatedAt: createdAt,
    ModifiedAt: createdAt,
  };
}

/** Rule names the SDK reported statistics for (`SamplingStatisticsDocuments[].RuleName`). */
function reportedRules(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { SamplingStatisticsDocuments?: unknown };
    const docs = Array.isArray(parsed.SamplingStatisticsDocuments) ? parsed.SamplingStatisticsDocuments : [];
    const names = docs.map((doc) => (typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)['RuleName'] : undefined)).filter((name): name is string => typeof name === 'string');
    return names.length > 0 ? [...new Set(names)] : [RULE_NAME];
  } catch {
    return [RULE_NAME];
  }
}

export class SamplingEndpoint {
  private http: LocalHttpServer | undefined;
  private readonly createdAt = Math.floor(Date.now() / 1000);
  /** Requests answered, for tests and the log. */
  answered = 0;

  async start(host: string, port: number): Promise<BoundAddress> {
    const http = new LocalHttpServer((request, response) => this.onRequest(request, response));
    http.server.requestTimeout = 10_000;
    http.server.on('clientError', (_error, socket) => socket.destroy());
    const bound = await http.listen(host, port);
    http.server.on('error', () => undefined);
    this.http = http;
    return bound;
  }

  async stop(): Promise<void> {
    const http = this.http;
    this.http = undefined;
    await http?.close();
  }

  private onRequest(request: IncomingMessage, response: ServerResponse): void {
    request.on('error', () => request.destroy());
    const path = (request.url ?? '').split('?')[0];
    if (request.method !== 'POST' || (path !== '/GetSamplingRules' && path !== '/SamplingTargets' && path !== '/GetSamplingTargets')) {
      this.reply(response, 404, { message: 'The local X-Ray daemon answers POST /GetSamplingRules and /SamplingTargets' });
      request.resume();
      return;
    }
    let body = '';
    let tooLarge = false;
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      if (tooLarge) return;
      body += chunk;
      if (body.length > MAX_BODY) {
        tooLarge = true;
        this.reply(response, 413, { message: 'request too large' });
        request.destroy();
      }
    });
    request.on('end', () => {
      if (tooLarge) return;
      this.answered += 1;
      const now = Math.floor(Date.now() / 1000);
      if (path === '/GetSamplingRules') {
        this.reply(response, 200, { SamplingRuleRecords: [ruleRecord(this.createdAt)] });
        return;
      }
      this.reply(response, 200, {
        SamplingTargetDocuments: reportedRules(body).map((name) => ({ RuleName: name, FixedRate: 1, ReservoirQuota: RESERVOIR, ReservoirQuotaTTL: now + 3600, Interval: 10 })),
        LastRuleModification: this.createdAt,
        UnprocessedStatistics: [],
      });
    });
  }

  private reply(response: ServerResponse, status: number, payload: unknown): void {
    if (response.headersSent) return;
    const text = JSON.stringify(payload);
    response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    response.end(text);
  }
}
