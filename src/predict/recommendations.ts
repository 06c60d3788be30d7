import { TesseraError, type ModelsConfig, type WorkspaceConfig } from '../contract/index.js';
import { refreshFacts } from '../metrics/index.js';
import type { Store } from '../store/index.js';
import { basketLines } from './basket-query.js';
import { requireCustomerId } from '../identity/index.js';
import { buildRecommender, recommendForCustomer, recommendForProduct, type BasketLine, type CustomerRecommendations, type ProductRecommendations, type Recommender } from './recommender.js';

/** The minimums the rules were mined with, printed beside every answer. */
export interface RecommendationSettings {
  readonly min_support: number;
  readonly min_confidence: number;
  readonly min_count: number;
  /** Orders with line items, and customers with such orders. */
  readonly orders: number;
  readonly customers: number;
}

/** Reads the order baskets and mines the rules with the configured minimums. */
export async function loadRecommender(store: Store, workspace: WorkspaceConfig, models: ModelsConfig): Promise<{ model: Recommender; settings: RecommendationSettings }> {
  await refreshFacts(store, workspace);
  const lines = await store.query<BasketLine>(basketLines());
  const { minSupport, minConfidence, minCount } = models.recommendations;
  const model = buildRecommender(lines, { minSupport, minConfidence, minCount });
  return {
    model,
    settings: { min_support: minSupport, min_confidence: minConfidence, min_count: minCount, orders: model.orders.baskets, customers: model.customers.baskets },
  };
}

/** Products to show beside a product page; not_found for a product no order holds. */
export async function recommendProduct(
  store: Store,
  workspace: WorkspaceConfig,
  models: ModelsConfig,
  productId: string,
  limit = 10,
): Promise<ProductRecommendations & { settings: RecommendationSettings }> {
  const { model, settings } = await loadRecommender(store, workspace, models);
  const found = recommendForProduct(model, productId, limit);
  if (!found) throw new TesseraError('not_found', `no order holds the product ${productId}`);
  return { ...found, settings };
}

/**
 * Next products for a customer (customer id or type:value identifier); not_found for an unknown customer.
 * `resolve`, where the identity graph is at hand, also leads a retired customer id to the customer it became.
 */
export async function recommendCustomer(
  store: Store,
  workspace: WorkspaceConfig,
  models: ModelsConfig,
  identifier: string,
  limit = 5,
  resolve: (identifier: string) => Promise<string> = (id) => requireCustomerId(store, id, workspace.defaultRegion),
): Promise<CustomerRecommendations & { settings: RecommendationSettings }> {
  const { model, settings } = await loadRecommender(store, workspace, models);
  const customerId = await resolve(identifier);
  return { ...recommendForCustomer(model, customerId, limit), settings };
}
