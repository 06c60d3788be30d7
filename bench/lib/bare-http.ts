// The single-message ceiling of bench/ingest.ts: a Fastify route that parses a tracking call's JSON and
// answers, with nothing logged, validated or synced. It runs in its own process, as `tessera serve` does, so
// the same load generator measures what HTTP alone costs on this machine.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/v1/track', async (request) => ({ success: typeof request.body === 'object' }));
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stderr.write(`listening on ${address}\n`);
