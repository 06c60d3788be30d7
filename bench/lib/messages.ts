/**
 * Realistic ~500-byte Segment track messages, with ids made unique per request by the caller. Each of
 * 50,000 browsers belongs to one of 20,000 people (two or three browsers each), who is signed in on a
 * third of the messages: identity resolution sees the small components of a real shop. (An anonymous
 * id shared by every person, as in a first version, made a giant component no shop has.)
 */
export function messageJson(id: string, i: number, at?: number): string {
  const browser = i % 50_000;
  return JSON.stringify({
    type: 'track',
    messageId: id,
    anonymousId: `anon-${browser}`,
    userId: i % 3 === 0 ? `user-${browser % 20_000}` : undefined,
    event: 'Product Viewed',
    timestamp: new Date(at ?? Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    properties: { product_id: `p-${i % 900}`, sku: `SKU-${i % 900}`, name: 'Organic cotton t-shirt, slim fit', category: 'shirts', price: 24.99, currency: 'USD' },
    context: {
      ip: '203.0.113.7',
      library: { name: 'analytics-node', version: '3.1.0' },
      page: { path: '/products/organic-cotton-t-shirt', url: 'https://shop.example.com/products/organic-cotton-t-shirt', referrer: 'https://www.google.com/' },
      campaign: { source: 'google', medium: 'cpc', name: 'winter-sale' },
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36',
    },
  });
}

/**
 * A batch body of `size` messages whose ids start with `prefix`. With `at` (epoch ms), the messages are
 * stamped just before it, in order, as an SDK stamps calls when they happen; else at fixed times from `offset`.
 */
export function batchBody(prefix: string, size: number, offset: number, at?: number): string {
  const parts: string[] = [];
  for (let j = 0; j < size; j++) parts.push(messageJson(`${prefix}-${j}`, offset + j, at === undefined ? undefined : at - size + j));
  return `{"batch":[${parts.join(',')}]}`;
}
