import { TesseraError } from '../contract/index.js';
import { sql, type Store } from '../store/index.js';
import { SegmentDefinition, parseOrThrow } from './rule-definition.js';

/** A stored rule segment as `segments list|show --json` and the API print it. */
export interface StoredSegment extends SegmentDefinition {
  created_at: string;
  updated_at: string;
}

interface Row {
  id: string;
  definition: unknown;
  created_at: Date;
  updated_at: Date;
}

function toStored(row: Row): StoredSegment {
  const json: unknown = typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition;
  // Stored definitions were validated on the way in; parsing again keeps the type honest.
  const def = parseOrThrow(SegmentDefinition, json, `stored segment ${row.id}`);
  return { ...def, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() };
}

/**
 * Stores a validated definition; an existing id is an error unless `replace`. `howToReplace` is how the caller's user
 * asks for it (`pass --replace`, `replace=true`): the dashboard's user has no flag to pass.
 */
export async function saveSegment(store: Store, input: unknown, options: { replace?: boolean; howToReplace?: string } = {}): Promise<{ segment: StoredSegment; replaced: boolean }> {
  const def = parseOrThrow(SegmentDefinition, input, 'segment definition');
  const now = new Date();
  const replaced = await store.transaction(async (tx) => {
    const existing = await tx.query<{ created_at: Date }>(sql`SELECT created_at FROM segment_definitions WHERE id = ${def.id}`);
    const first = existing[0];
    if (first && !options.replace) {
      const how = options.howToReplace === undefined ? '' : `, or ${options.howToReplace} to overwrite it`;
      throw new TesseraError('invalid_argument', `a segment with the id ${def.id} exists already: choose another name${how}`);
    }
    await tx.run(sql`DELETE FROM segment_definitions WHERE id = ${def.id}`);
    await tx.run(sql`INSERT INTO segment_definitions (id, name, description, definition, created_at, updated_at)
      VALUES (${def.id}, ${def.name}, ${def.description ?? null}, ${JSON.stringify(def)}::JSON, ${first?.created_at ?? now}, ${now})`);
    return first !== undefined;
  });
  const segment = await getSegment(store, def.id);
  return { segment, replaced };
}

/** Every stored segment, by id. */
export async function listSegments(store: Store): Promise<StoredSegment[]> {
  const rows = await store.query<Row>(sql`SELECT id, CAST(definition AS VARCHAR) AS definition, created_at, updated_at FROM segment_definitions ORDER BY id`);
  return rows.map(toStored);
}

/** One stored segment, or a not_found error naming the id. */
export async function getSegment(store: Store, id: string): Promise<StoredSegment> {
  const rows = await store.query<Row>(sql`SELECT id, CAST(definition AS VARCHAR) AS definition, created_at, updated_at FROM segment_definitions WHERE id = ${id}`);
  const row = rows[0];
  if (!row) throw new TesseraError('not_found', `no segment ${id}: see tessera segments list`);
  return toStored(row);
}

/** Removes a stored segment (its membership history stays). */
export async function deleteSegment(store: Store, id: string): Promise<void> {
  await getSegment(store, id);
  await store.run(sql`DELETE FROM segment_definitions WHERE id = ${id}`);
}
