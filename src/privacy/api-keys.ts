import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql, type Store } from '../store/index.js';

export type KeyKind = 'write' | 'read';

export interface ApiKey {
  id: string;
  name: string;
  kind: KeyKind;
  prefix: string;
  createdAt: Date;
}

const hashKey = (key: string): string => createHash('sha256').update(key).digest('hex');

/** Creates a key and returns it once in clear; only its SHA-256 is stored. */
export async function createApiKey(store: Store, name: string, kind: KeyKind): Promise<{ key: string; record: ApiKey }> {
  const key = `tsk_${kind === 'write' ? 'w' : 'r'}_${randomBytes(24).toString('base64url')}`;
  const record: ApiKey = { id: randomUUID(), name, kind, prefix: key.slice(0, 10), createdAt: new Date() };
  await store.run(
    sql`INSERT INTO api_keys (id, name, kind, hash, prefix, created_at) VALUES (${record.id}, ${name}, ${kind}, ${hashKey(key)}, ${record.prefix}, ${record.createdAt})`,
  );
  return { key, record };
}

/** Lists keys (never their secrets). */
export async function listApiKeys(store: Store): Promise<ApiKey[]> {
  const rows = await store.query<{ id: string; name: string; kind: KeyKind; prefix: string; created_at: Date }>(
    sql`SELECT id, name, kind, prefix, created_at FROM api_keys WHERE revoked_at IS NULL ORDER BY created_at`,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind, prefix: r.prefix, createdAt: r.created_at }));
}

/**
 * Resolves keys to their records with an in-memory cache keyed by hash: the tracking API checks a
 * key on every request. A miss re-reads the table, at most once a second, so a key created by
 * another path is found without letting unknown keys hammer the store.
 */
export class ApiKeyVerifier {
  private cache = new Map<string, ApiKey>();
  private loadedAt = 0;

  constructor(private readonly store: Store) {}

  async verify(key: string, kind: KeyKind): Promise<ApiKey | undefined> {
    const hash = hashKey(key);
    let found = this.cache.get(hash);
    if (!found && Date.now() - this.loadedAt > 1000) {
      await this.reload();
      found = this.cache.get(hash);
    }
    return found && found.kind === kind ? found : undefined;
  }

  /** Re-reads every active key; called at start and after a key is created. */
  async reload(): Promise<void> {
    const rows = await this.store.query<{ id: string; name: string; kind: KeyKind; prefix: string; hash: string; created_at: Date }>(
      sql`SELECT id, name, kind, prefix, hash, created_at FROM api_keys WHERE revoked_at IS NULL`,
    );
    this.cache = new Map(rows.map((r) => [r.hash, { id: r.id, name: r.name, kind: r.kind, prefix: r.prefix, createdAt: r.created_at }]));
    this.loadedAt = Date.now();
  }
}
