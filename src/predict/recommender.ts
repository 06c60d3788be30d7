import { findAlsoBought, mineAssociationRules, suggestNextItems, type AssociationOptions, type AssociationRule, type AssociationRules } from '../models/index.js';

/** One line of an order: which customer bought which product in which order. */
export interface BasketLine {
  readonly order_id: string;
  readonly customer_id: string;
  readonly item: string;
}

/**
 * Two rule sets over the same lines: order baskets ("frequently bought together": in one order)
 * and each customer's products over all their orders ("customers who bought this also bought").
 */
export interface Recommender {
  readonly orders: AssociationRules;
  readonly customers: AssociationRules;
  /** Products each customer has bought. */
  readonly bought: ReadonlyMap<string, ReadonlySet<string>>;
}

/** A rule as the CLI and API print it: the recommended product and the evidence. */
export interface RecommendedProduct {
  readonly product_id: string;
  readonly count: number;
  readonly support: number;
  readonly confidence: number;
  readonly lift: number;
}

/** Mines both rule sets with the configured minimums. */
export function buildRecommender(lines: Iterable<BasketLine>, options: AssociationOptions): Recommender {
  const orders = new Map<string, string[]>();
  const bought = new Map<string, Set<string>>();
  for (const line of lines) {
    const basket = orders.get(line.order_id);
    if (basket) basket.push(line.item);
    else orders.set(line.order_id, [line.item]);
    const items = bought.get(line.customer_id);
    if (items) items.add(line.item);
    else bought.set(line.customer_id, new Set([line.item]));
  }
  return {
    orders: mineAssociationRules(orders.values(), options),
    customers: mineAssociationRules(Array.from(bought.values(), (s) => [...s]), options),
    bought,
  };
}

/** The printed form of a rule: its consequent and the numbers behind it. */
export function toRecommendedProduct(rule: AssociationRule): RecommendedProduct {
  return { product_id: rule.consequent, count: rule.count, support: rule.support, confidence: rule.confidence, lift: rule.lift };
}

export interface ProductRecommendations {
  readonly product_id: string;
  /** Orders, and customers, that hold the product. */
  readonly orders: number;
  readonly customers: number;
  readonly frequently_bought_together: readonly RecommendedProduct[];
  readonly also_bought: readonly RecommendedProduct[];
}

/** What goes with a product: in the same order, and in the same customer's history. Undefined for a product never ordered. */
export function recommendForProduct(model: Recommender, productId: string, limit: number): ProductRecommendations | undefined {
  const orders = model.orders.itemCounts.get(productId);
  if (orders === undefined) return undefined;
  return {
    product_id: productId,
    orders,
    customers: model.customers.itemCounts.get(productId) ?? 0,
    frequently_bought_together: findAlsoBought(model.orders, productId, limit).map(toRecommendedProduct),
    also_bought: findAlsoBought(model.customers, productId, limit).map(toRecommendedProduct),
  };
}

export interface CustomerRecommendations {
  readonly customer_id: string;
  readonly bought: readonly string[];
  /** Products the customer has not bought, each with the strongest rule from something they did buy. */
  readonly next_products: readonly (RecommendedProduct & { readonly because_of: string })[];
}

/** Next products for a customer from the cross-order rules, never one they already bought. */
export function recommendForCustomer(model: Recommender, customerId: string, limit: number): CustomerRecommendations {
  const bought = model.bought.get(customerId) ?? new Set<string>();
  return {
    customer_id: customerId,
    bought: [...bought].sort(),
    next_products: suggestNextItems(model.customers, bought, limit).map((s) => ({ ...toRecommendedProduct(s.because), because_of: s.because.antecedent })),
  };
}
