/**
 * The demo shop's catalog: an outdoor-apparel store. Prices are kept in cents per currency, as a shop
 * keeps a fixed price list per market rather than converting at each day's rate.
 */
import type { Rng } from './random.js';

export type Currency = 'USD' | 'EUR' | 'GBP';
export const currencies: readonly Currency[] = ['USD', 'EUR', 'GBP'];

export interface Product {
  product_id: string;
  sku: string;
  name: string;
  category: string;
  slug: string;
  /** Price in cents, per currency. */
  prices: Readonly<Record<Currency, number>>;
}

export interface Category {
  category: string;
  /** How often a basket draws from it. */
  weight: number;
  products: readonly Product[];
}

interface CategorySpec {
  category: string;
  code: string;
  weight: number;
  minUsd: number;
  maxUsd: number;
  items: readonly string[];
}

const categorySpecs: readonly CategorySpec[] = [
  { category: 'socks', code: 'SOC', weight: 13, minUsd: 9, maxUsd: 26, items: ['Merino Crew Socks', 'Hiking Socks', 'Trail Running Socks', 'Ankle Socks 3-Pack', 'Ski Socks'] },
  { category: 'hats', code: 'HAT', weight: 7, minUsd: 18, maxUsd: 48, items: ['Beanie', 'Trucker Cap', 'Sun Hat', 'Bucket Hat', 'Watch Cap'] },
  { category: 'shirts', code: 'SHI', weight: 18, minUsd: 22, maxUsd: 79, items: ['Tech Tee', 'Flannel Shirt', 'Base Layer Top', 'Pique Polo', 'Long Sleeve Tee', 'Linen Shirt'] },
  { category: 'pants', code: 'PAN', weight: 10, minUsd: 45, maxUsd: 129, items: ['Hiking Pants', 'Climbing Pants', 'Joggers', 'Trail Shorts', 'Rain Pants'] },
  { category: 'jackets', code: 'JAC', weight: 8, minUsd: 89, maxUsd: 379, items: ['Rain Shell', 'Down Jacket', 'Fleece Jacket', 'Softshell Jacket', 'Insulated Parka', 'Wind Shell'] },
  { category: 'shoes', code: 'SHO', weight: 9, minUsd: 69, maxUsd: 199, items: ['Trail Runner', 'Hiking Boot', 'Approach Shoe', 'Camp Slipper', 'Winter Boot'] },
  { category: 'bags', code: 'BAG', weight: 7, minUsd: 29, maxUsd: 229, items: ['Daypack 22L', 'Duffel 40L', 'Hip Pack', 'Travel Pack 35L', 'Canvas Tote'] },
  { category: 'accessories', code: 'ACC', weight: 14, minUsd: 8, maxUsd: 69, items: ['Water Bottle', 'Headlamp', 'Liner Gloves', 'Sunglasses', 'Neck Gaiter', 'Trekking Poles'] },
];

const lines = ['Alpine', 'Summit', 'Ridge', 'Canyon', 'Harbor', 'Glacier', 'Cedar', 'Nordic'];

/** What one unit of each currency buys in the list price of another, fixed for the price list. */
const priceListFactor: Readonly<Record<Currency, number>> = { USD: 1, EUR: 0.93, GBP: 0.8 };

/** Rounds to a "charm" price such as 49.99 or 45.00. */
function charmPrice(amount: number, rng: Rng): number {
  const whole = Math.max(1, Math.round(amount));
  return rng.chance(0.8) ? whole * 100 - 1 : rng.chance(0.5) ? whole * 100 - 5 : whole * 100;
}

function slugify(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Builds the catalog: two product lines per item type, priced log-uniformly within the category. */
export function buildCatalog(rng: Rng): readonly Category[] {
  let next = 1001;
  return categorySpecs.map((spec) => {
    const products: Product[] = [];
    for (const item of spec.items) {
      const first = rng.int(0, lines.length - 1);
      const second = (first + rng.int(1, lines.length - 1)) % lines.length;
      for (const line of [lines[first], lines[second]]) {
        const usd = Math.exp(rng.between(Math.log(spec.minUsd), Math.log(spec.maxUsd)));
        const name = `${line ?? 'Basic'} ${item}`;
        const id = next++;
        products.push({
          product_id: `prod_${id}`,
          sku: `${spec.code}-${id}`,
          name,
          category: spec.category,
          slug: slugify(name),
          prices: {
            USD: charmPrice(usd, rng),
            EUR: charmPrice(usd * priceListFactor.EUR, rng),
            GBP: charmPrice(usd * priceListFactor.GBP, rng),
          },
        });
      }
    }
    products.sort((a, b) => a.prices.USD - b.prices.USD || a.sku.localeCompare(b.sku));
    return { category: spec.category, weight: spec.weight, products };
  });
}
