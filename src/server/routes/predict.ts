import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TesseraError, type PredictionPage, type TesseraConfig } from '../../contract/index.js';
import { findCustomerId } from '../../identity/index.js';
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

  app.get('/api/v1/clv', { onRequest }, async () => {
    const fit = await readLatestFit(store);
    if (!fit) throw new TesseraError('not_found', 'no customer-value model has been fitted: run tessera clv fit');
    return fit;
  });

  app.get('/api/v1/clv/predictions', { onRequest }, async (request) => {
    const q = parseInput(PredictionsQuery, request.query);
    if (q.customer_id !== undefined) {
      const customerId = await findCustomerId(store, q.customer_id, config.workspace.defaultRegion);
      const prediction = customerId === undefined ? undefined : await readPrediction(store, customerId);
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
    return recommendCustomer(store, config.workspace, config.models, request.params.id, q.limit);
  });
}
