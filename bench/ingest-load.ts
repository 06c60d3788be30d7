// The load generator of bench/ingest.ts, run as its own process so it does not share the server's event loop.
import autocannon from 'autocannon';
import { batchBody, messageJson } from './lib/messages.js';

const [url, key, mode, connections, seconds, rate] = process.argv.slice(2) as [string, string, string, string, string, string | undefined];
const auth = 'Basic ' + Buffer.from(`${key}:`).toString('base64');
let counter = 0;
const run = `${mode}-${process.pid}`;

const instance = autocannon(
  {
    url: mode === 'single' ? `${url}/v1/track` : `${url}/v1/batch`,
    method: 'POST',
    connections: Number(connections),
    duration: Number(seconds),
    ...(rate ? { overallRate: Number(rate) } : {}),
    headers: { 'content-type': 'application/json', authorization: auth },
    requests: [
      {
        setupRequest: ((req: Record<string, unknown>) => {
          const n = counter++;
          // Stamped now, as a live SDK stamps its calls: events arrive nearly in time order, as in a shop.
          req['body'] = mode === 'single' ? messageJson(`${run}-${n}`, n, Date.now()) : batchBody(`${run}-${n}`, 100, n * 100, Date.now());
          return req;
        }) as never,
      },
    ],
  },
  (err: unknown, result: { requests: { average: number; total: number }; latency: { p50: number; p99: number; p97_5: number; average: number; max: number }; non2xx: number; errors: number; '2xx': number; statusCodeStats?: unknown }) => {
    if (err) throw err;
    process.stdout.write(
      JSON.stringify({
        ok: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors,
        requestsPerSecond: result.requests.average,
        latency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max, average: result.latency.average },
        statusCodes: result.statusCodeStats,
      }) + '\n',
    );
  },
);
void instance;
