import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TesseraError, type PredictionPage, type TesseraConfig } from '../../contract/index.js';
import { findCustomerId, resolveCustomer, type IdentityService } from '../../identity/index.js';
import { readLatestFit, readPrediction, readPredictionRun, readPredictions, recommendCustomer, recommendProduct } from '../../predict/index.js';
import type { ApiKeyVerifier } from '../../privacy/index.js';
import type { Store } from '../../store/index.js';
import { requireReadToken } from '../auth.js';
import { parseInput } from './parse-input.js';

export interface PredictRoutesDeps {
  store: Store;
  config: TesseraConfig;
  keys: ApiKeyVerifier;
  /** Token of the local CLI, accepted like a read token. */
  localToken: string;
  /** Leads a retired customer id to the customer it became (where the server keeps the identity graph). */
  identity?: IdentityService;
}

/** `GET /api/v1/clv/predictions`: one customer (id or type:value), or a page by CLV. */
export const PredictionsQuery = z
  .object({
    customer_id: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(100),
    offset: z.coerce.number().int().min(0).default(0),
    high_value_at_risk: z.enum(['true', 'false']).optional(),
  })
  .strict();

/** `GET /api/v1/recommendations/...`: how many products to list. */
export const RecommendationsQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).optional() }).strict();


/** Why a customer has no stored prediction, in the words a person can act on. */
/** An unknown customer is an answer here (whyUnscored words it), not an error to pass on. */
function notFoundAsUndefined(error: unknown): undefined {
  if (error instanceof TesseraError && error.code === 'not_found') return undefined;
  throw error;
}

async function whyUnscored(store: Store, asked: string, customerId: string | undefined): Promise<string> {
  if (customerId === undefined) return `no customer ${asked}: check the id or identifier`;
  const run = await readPredictionRun(store);
  if (!run) return `no customer is scored yet: run tessera clv fit, then tessera clv predict`;
  return `customer ${asked} is not scored: the model scores customers with an order, and they had none by ${run.as_of}`;
}

/**
 * The customer-value read API: the latest fit (`clv fit --json`), stored predictions (the rows
 * of `clv predict --json`) and recommendations (`recs --json`).
 */
export function registerPredictRoutes(app: FastifyInstance, deps: PredictRoutesDeps): void {
  const { store, config } = deps;
  const onRequest = async (request: Parameters<typeof requireReadToken>[1]) => requireReadToken(deps.keys, request, deps.localToken);
  const identity = deps.identity;
  const currentCustomerId = async (identifier: string): Promise<string | undefined> => {
    if (identity === undefined) return findCustomerId(store, identifier, config.workspace.defaultRegion);
    await identity.refresh();
    return (await resolveCustomer(store, identity, identifier).catch(notFoundAsUndefined))?.customerId;
  };

  app.get('/api/v1/clv', { onRequest }, async () => {
    const fit = await readLatestFit(store);
    if (!fit) throw new TesseraError('not_found', 'no customer-value model has been fitted: run tessera clv fit');
    return fit;
  });

  app.get('/api/v1/clv/predictions', { onRequest }, async (request) => {
    const q = parseInput(PredictionsQuery, request.query);
    if (q.customer_id !== undefined) {
      const customerId = await currentCustomerId(q.customer_id);
      // Scores are stored under the ids customers had when they were made: a customer merged since is still
      // found under its old id until the next `clv predict`.
      const prediction = (customerId === undefined ? undefined : await readPrediction(store, customerId)) ?? (q.customer_id !== customerId ? await readPrediction(store, q.customer_id) : undefined);
      if (!prediction) throw new TesseraError('not_found', await whyUnscored(store, q.customer_id, customerId));
      return prediction;
    }
    const customers = await readPredictions(store, { limit: q.limit, offset: q.offset, highValueAtRisk: q.high_value_at_risk === 'true' });
    // The run's day and horizon say what "expected purchases" and "clv" count (null before any run).
    const run = await readPredictionRun(store);
    const page: PredictionPage = { customers, limit: q.limit, offset: q.offset, as_of: run?.as_of ?? null, horizon_days: run?.horizon_days ?? null };
    return page;
  });

  app.get<{ Params: { id: string } }>('/api/v1/recommendations/products/:id', { onRequest }, async (request) => {
    const q = parseInput(RecommendationsQuery, request.query);
    return recommendProduct(store, config.workspace, config.models, request.params.id, q.limit);
  });

  app.get<{ Params: { id: string } }>('/api/v1/recommendations/customers/:id', { onRequest }, async (request) => {
    const q = parseInput(RecommendationsQuery, request.query);
    const resolve =
      identity === undefined
        ? undefined
        : async (id: string): Promise<string> => {
            await identity.refresh();
            return (await resolveCustomer(store, identity, id)).customerId;
          };
    return recommendCustomer(store, config.workspace, config.models, request.params.id, q.limit, resolve);
  });
}
