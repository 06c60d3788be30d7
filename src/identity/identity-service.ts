import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { Store, StoreTx } from '../store/index.js';
import { customerMapTable, ident, replaceTable, sql } from '../store/index.js';
import type { ApplyResult } from './change-tracker.js';
import { clearAbandonedGraphFile, GraphFileReader, GraphImage, writeGraphFile } from './graph-file.js';
import { applyObservations, createIdentityState, extendObservations } from './identity-graph.js';
import type { IdentityState } from './identity-state.js';
import { MergeRules, type MergeRulesInput } from './merge-rules.js';
import { assignmentRows, customerOf, type AssignmentRow } from './read-graph.js';
import { eventIdentifiersQuery, eventTimeSpans, firstEventOfEachIdentifierSet, toObservations, type ObservationOptions, type PackedEventIdentifiers } from './observations-query.js';
import { writeAssignmentsCsv } from './assignments-csv.js';
import { clearAbandonedMapParts, mapPartStem } from './map-part-files.js';
import { mapFingerprint } from './map-priority.js';
import { prefetched } from './prefetched.js';
import { standardIdentifier } from './profile.js';
import { removeSplit, splitIdentifier } from './split.js';
import { normalizePhoneDigits } from './identifier.js';

export interface RefreshResult {
  /** Events read since the last refresh. */
  events: number;
  touchedCustomers: number;
  removedCustomers: number;
  rebuilt: boolean;
  /** The graph was read from its file (as saved by an earlier process) instead of resolved from every event. */
  restored: boolean;
}

/** How an IdentityService keeps its graph. */
export interface IdentityServiceOptions {
  /** Events read and written per round when following the log. */
  roundEvents?: number;
  /**
   * Where the graph is saved between processes (a file in the data directory); without one, every process
   * that needs the graph resolves every event again.
   */
  graphFile?: string;
  /** Events followed after which the graph file is written again (default 250,000)... */
  graphFileEvents?: number;
  /**
   * ...but not sooner than this after the last write (default 5 minutes): at 1M people the file is ~760 MB
   * and takes ~2.5 s to write, which a busy server should not pay every few seconds.
   */
  graphFileIntervalMs?: number;
  /**
   * Where a full rebuild writes the map's rows for the store to read (default: the system's temporary directory).
   * A directory of the data directory's own: a killed rebuild's files are removed from it when the service is made.
   */
  tmpDir?: string;
  /** Rows of each of those files (default assignments-csv.ts' PART_ROWS): the store reads one while the next is written. */
  mapPartRows?: number;
  /**
   * Time spans a full rebuild reads the log in (default: one below 1M events, else four). DuckDB sorts the
   * next span while this thread resolves the one before, and holds one span's sorted rows instead of all.
   */
  rebuildSpans?: number;
  /** Told when the graph file cannot be written: the graph in memory and the map stay right, a start is slower. */
  warn?: (details: object, message: string) => void;
  /** The workspace's default region (ISO 3166 alpha-2): a phone a person looks up without its country code is read in it, as imports read it. */
  phoneRegion?: string;
}

/**
 * A graph file is used only when following the events since it was saved costs less than a rebuild. A
 * rebuild reads one event per distinct set of identifiers (~170,000 events/s at 1M people here); following
 * reads every event, ~50,000/s with its writes.
 */
const behindLimit = (held: number): number => Math.max(100_000, Math.floor(held / 8));

/**
 * Bumped whenever resolution would give a different map from the same events and rules (a fix to the
 * graph, a new normalizer): part of the map's fingerprint, so a start after such a change rewrites it.
 */
const RESOLUTION_VERSION = 4;

/**
 * Keeps the identity graph of a data directory and its table `customer_map` current. The graph lives
 * in memory (rebuilt from the event log on first use: the graph is a function of the events and the
 * rules), then follows the log incrementally; every change is written to `customer_map`, which is
 * what the rest of Tessera reads. A first use leaves the stored map when `identity_map_state` shows it
 * was written from the same events and inputs.
 */
export class IdentityService {
  private state: IdentityState | undefined;
  private lastSeq = 0;
  /** Events read into the graph since it was built: with lastSeq and the fingerprint, what the map reflects. */
  private eventsRead = 0;
  /**
   * The stored map's last seq when it is ahead of a graph read from its file: until following passes it, an
   * identifier new to the graph may have a row already, so every round deletes the keys it writes.
   */
  private mapAheadOf = 0;
  private chain: Promise<unknown> = Promise.resolve();
  /** What the graph file holds (lastSeq, eventsRead, fingerprint), so a graph saved already is not written again. */
  private saved: { lastSeq: number; eventsRead: number; fingerprint: string } | undefined;
  /** eventsRead and the clock at the last attempt to save, successful or not: a failing disk is not retried at every refresh. */
  private savedAtEvents = 0;
  private savedAtMs = 0;

  private readonly observationOptions: ObservationOptions;

  private readonly roundEvents: number;

  constructor(
    private readonly store: Store,
    private readonly rules: MergeRulesInput = {},
    private readonly options: IdentityServiceOptions = {},
  ) {
    this.observationOptions = { subaddress: MergeRules.parse(rules).subaddress };
    this.roundEvents = options.roundEvents ?? 32_768;
    // Made when a process opens the data directory (holding its lock): a map write in that directory now is a killed one's.
    if (options.tmpDir !== undefined) {
      clearAbandonedMapParts(options.tmpDir);
      if (options.graphFile !== undefined) clearAbandonedGraphFile(options.graphFile);
    }
  }

  /** Saves the graph to its file if it changed since it was last saved: a process's last act on the workspace. */
  close(): Promise<void> {
    return this.serialize(async () => {
      if (this.state !== undefined && !this.isSaved()) await this.saveGraph();
    });
  }

  /**
   * Brings customer_map up to the latest loaded event. Without a graph yet, a map written from exactly the
   * events and inputs there are now is left as it is and no graph is built (a command run without a server
   * answers without reading the log) unless `keepGraph` asks for one: a process that follows the log builds
   * it at once, so that its first new events do not wait for a full read.
   */
  refresh(options: { keepGraph?: boolean } = {}): Promise<RefreshResult> {
    return this.serialize(() => this.refreshNow(false, options.keepGraph === true));
  }

  /** The region a looked-up phone without a country code is read in. */
  get phoneRegion(): string | undefined {
    return this.options.phoneRegion;
  }

  /** Whether the graph is in memory (built by a refresh that needed it, or by graph()). */
  get hasGraph(): boolean {
    return this.state !== undefined;
  }

  /** Throws the graph away and resolves every event again (`tessera identity rebuild`). */
  rebuild(): Promise<RefreshResult> {
    return this.serialize(async () => {
      // Without a graph, refreshNow rebuilds: it sets lastSeq and eventsRead from the events it counts.
      this.state = undefined;
      // Written even when the stored map looks current: a rebuild is also how a user repairs a map.
      return this.refreshNow(true);
    });
  }

  /** The graph, current as of the last refresh (refreshes first, building it if need be). */
  graph(): Promise<IdentityState> {
    return this.serialize(async () => {
      await this.refreshNow(false, true);
      return this.state as IdentityState;
    });
  }

  /**
   * Records a split (kept across rebuilds) and applies it. `linked` says whether the two identifiers were one
   * customer before: a split of two that were not only forbids a future link, which the user should hear.
   */
  split(identifier: string, from?: string): Promise<ApplyResult & { linked: boolean }> {
    return this.serialize(async () => {
      await this.refreshNow(false, true);
      const state = this.state as IdentityState;
      const [x, y] = [this.typed(identifier), from === undefined ? undefined : this.typed(from)];
      const linked = y === undefined || customerOf(state, x) === customerOf(state, y);
      const result = splitIdentifier(state, x, y === undefined ? {} : { from: y });
      await this.store.run(sql`INSERT INTO identity_splits VALUES (${x}, ${y ?? null}, ${new Date()})`);
      await this.writeResult(result);
      return { ...result, linked };
    });
  }

  /** Removes a split (with `from`, that link's; without, every split naming the identifier), letting the observations merge the customers again. */
  unsplit(identifier: string, from?: string): Promise<ApplyResult> {
    return this.serialize(async () => {
      await this.refreshNow(false, true);
      const state = this.state as IdentityState;
      const [x, y] = [this.typed(identifier), from === undefined ? undefined : this.typed(from)];
      const result = removeSplit(state, x, y === undefined ? {} : { from: y });
      // Recorded splits are compared in the graph's canonical form, whatever form they were typed in.
      const canonical = (key: string | null) => (key === null || !key.includes(':') ? key : state.table.canonicalKey(key));
      const [cx, cy] = [canonical(x), y === undefined ? undefined : canonical(y)];
      const recorded = await this.store.query<{ identifier: string; from_identifier: string | null }>(sql`SELECT identifier, from_identifier FROM identity_splits`);
      for (const r of recorded) {
        const [a, b] = [canonical(r.identifier), canonical(r.from_identifier)];
        const named = cy === undefined ? a === cx || b === cx : (a === cx && b === cy) || (a === cy && b === cx);
        if (named) await this.store.run(sql`DELETE FROM identity_splits WHERE identifier = ${r.identifier} AND from_identifier IS NOT DISTINCT FROM ${r.from_identifier}`);
      }
      await this.writeResult(result);
      return result;
    });
  }

  /** An identifier as a person typed it, in the form the log holds it (phones in E.164 in the workspace's region). */
  private typed(identifier: string): string {
    return standardIdentifier(identifier, this.options.phoneRegion);
  }

  private async refreshNow(forceWrite = false, needGraph = false): Promise<RefreshResult> {
    if (this.state) return this.followNow();
    const fresh = await this.freshState();
    // What a rebuild now would read: every event up to the last, which a stored map may already reflect.
    const [now] = await this.store.query<{ seq: number | null; n: number }>(sql`SELECT max(seq) AS seq, count(*) AS n FROM events`);
    const lastSeq = Number(now?.seq ?? 0);
    const events = Number(now?.n ?? 0);
    if (!forceWrite && !needGraph && (await this.storedMapMatches(lastSeq, events, this.fingerprintOf(fresh)))) {
      return { events: 0, touchedCustomers: 0, removedCustomers: 0, rebuilt: false, restored: false };
    }
    if (!forceWrite && (await this.restoreGraph(this.fingerprintOf(fresh), events))) return { ...(await this.followNow()), restored: true };
    this.state = fresh;
    return this.rebuildNow(forceWrite, lastSeq, events);
  }

  /**
   * Reads the graph file when it can stand in for a rebuild: saved from the same inputs, from events that are
   * all still there, no further behind the log than behindLimit, and no newer than the stored map (following
   * from an older graph rewrites each customer that changed since, to what the map already holds). False,
   * and no graph, otherwise: a missing, torn or foreign file only costs the rebuild it would have saved.
   */
  private async restoreGraph(fingerprint: string, events: number): Promise<boolean> {
    const path = this.options.graphFile;
    if (path === undefined) return false;
    let reader: GraphFileReader;
    try {
      reader = new GraphFileReader(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.options.warn?.({ err, path }, 'could not read the identity graph file; resolving every event instead');
      return false;
    }
    try {
      const lastSeq = reader.number('service.lastSeq');
      const eventsRead = reader.number('service.eventsRead');
      if (reader.text('service.fingerprint') !== fingerprint || eventsRead > events || events - eventsRead > behindLimit(eventsRead)) return false;
      const [map] = await this.store.query<{ last_seq: number; events: number; fingerprint: string }>(
        sql`SELECT last_seq, events, fingerprint FROM identity_map_state`,
      );
      if (map === undefined || map.fingerprint !== fingerprint || Number(map.last_seq) < lastSeq) return false;
      const [held] = await this.store.query<{ graph: number; map: number }>(
        sql`SELECT count(*) FILTER (WHERE seq <= ${lastSeq}) AS graph, count(*) FILTER (WHERE seq <= ${Number(map.last_seq)}) AS map FROM events`,
      );
      if (Number(held?.graph) !== eventsRead || Number(held?.map) !== Number(map.events)) return false;
      const state = await this.freshState();
      state.restore(reader);
      reader.verify();
      this.state = state;
      this.lastSeq = lastSeq;
      this.eventsRead = eventsRead;
      this.mapAheadOf = Number(map.last_seq);
      this.saved = { lastSeq, eventsRead, fingerprint };
      this.savedAtEvents = eventsRead;
      this.savedAtMs = Date.now();
      return true;
    } catch (err) {
      this.options.warn?.({ err, path }, 'could not read the identity graph file; resolving every event instead');
      return false;
    } finally {
      reader.close();
    }
  }

  private isSaved(): boolean {
    const saved = this.saved;
    return saved !== undefined && saved.lastSeq === this.lastSeq && saved.eventsRead === this.eventsRead && saved.fingerprint === this.fingerprint();
  }

  /** Writes the graph file (when the service has one); a failure is reported, not thrown: the file is only a cache. */
  private async saveGraph(): Promise<void> {
    const path = this.options.graphFile;
    const state = this.state;
    if (path === undefined || state === undefined) return;
    this.savedAtEvents = this.eventsRead;
    this.savedAtMs = Date.now();
    const image = new GraphImage();
    const saved = { lastSeq: this.lastSeq, eventsRead: this.eventsRead, fingerprint: this.fingerprint() };
    image.number('service.lastSeq', saved.lastSeq);
    image.number('service.eventsRead', saved.eventsRead);
    image.text('service.fingerprint', saved.fingerprint);
    state.save(image);
    try {
      await writeGraphFile(path, image);
      this.saved = saved;
    } catch (err) {
      this.options.warn?.({ err, path }, 'could not save the identity graph; the next start resolves every event again');
    }
  }

  /**
   * Resolves the events up to `lastSeq` (`events` of them) into the fresh graph; writes customer_map unless
   * the stored one came from the same inputs.
   */
  private async rebuildNow(forceWrite: boolean, lastSeq: number, events: number): Promise<RefreshResult> {
    const state = this.state as IdentityState;
    // A rebuild reads each distinct set of identifiers once, up to the last event it counts; later
    // events are the next refresh's.
    this.eventsRead = events;
    this.lastSeq = lastSeq;
    this.mapAheadOf = 0;
    // Chunks of 8,192 events: the objects of a 50k-row chunk outlived young-generation collections, and the
    // old-generation collections they caused made a start at 1M people 3.5 s slower (28 → 24 s, 34 → 30 s,
    // paired runs). A rebuild writes the whole map at the end, so it need not track what each chunk changed.
    const spans = await eventTimeSpans(this.store, this.lastSeq, this.options.rebuildSpans ?? (events < 1_000_000 ? 1 : 4));
    // A set of identifiers seen in several spans is read once in each: all but the first are twins.
    const skipTwins = spans.length > 1;
    for await (const chunk of prefetched(spans.map((span) => this.store.streamColumns<PackedEventIdentifiers>(firstEventOfEachIdentifierSet(this.store, this.lastSeq, span), 8_192)))) {
      extendObservations(state, toObservations(chunk, this.observationOptions), skipTwins);
    }
    // A start without a usable graph file rebuilds; the stored map is rewritten only if it came from other inputs.
    const writeMap = forceWrite || !(await this.storedMapMatches(this.lastSeq, this.eventsRead, this.fingerprint()));
    // The graph file is written while the map is: the save mostly waits for the disk, the map's write for DuckDB.
    // The map's writer only reads the graph, but its `find` shortens paths; flattened, it writes nothing new,
    // so the file matches the checksum the save takes first.
    state.table.flatten();
    const [map, save] = await Promise.allSettled([writeMap ? this.writeAll() : Promise.resolve(), this.saveGraph()]);
    if (map.status === 'rejected') throw map.reason;
    if (save.status === 'rejected') throw save.reason;
    return { events, touchedCustomers: 0, removedCustomers: 0, rebuilt: true, restored: false };
  }

  /**
   * Follows the log from the last event read, in rounds of at most `roundEvents` events (by seq), each
   * resolved and written in a transaction of its own. A round's write holds the store's one writer, so
   * after a burst the log's loads get it between rounds: one refresh of 221,600 events held it 8.3 s,
   * and a load of 10,000 rows waited 6.9 s behind it.
   */
  private async followNow(): Promise<RefreshResult> {
    const state = this.state as IdentityState;
    let events = 0;
    const touchedAll = new Set<string>();
    const removedAll = new Set<string>();
    for (;;) {
      const [round] = await this.store.query<{ upto: number | null; n: number }>(
        sql`SELECT max(seq) AS upto, count(*) AS n FROM (SELECT seq FROM events WHERE seq > ${this.lastSeq} ORDER BY seq LIMIT ${this.roundEvents}) r`,
      );
      const n = Number(round?.n ?? 0);
      if (n === 0) break;
      const upTo = Number(round?.upto);
      const touched = new Set<string>();
      const removed = new Set<string>();
      // The identifiers whose customer changed in any chunk; the round writes each once, with its customer
      // at the round's end (a later chunk that changes it again reports it again, so the end is its last word).
      const changed = new Set<number>();
      // Only a row that existed needs a delete before it is written: most rounds only add identifiers to
      // customers (a new device, a new visitor), and each delete scans the whole map (~0.2 s at 5M rows).
      let moved = this.lastSeq < this.mapAheadOf;
      // A refresh shares the event loop with acknowledgements: its chunks stay small enough (~10 ms of
      // graph work each) that a tracking request never waits long behind one.
      for await (const chunk of this.store.streamColumns<PackedEventIdentifiers>(eventIdentifiersQuery(this.store, this.lastSeq, upTo), 4_096)) {
        events += chunk.length;
        this.eventsRead += chunk.length;
        const result = applyObservations(state, toObservations(chunk, this.observationOptions));
        for (const c of result.touchedCustomers) touched.add(c);
        for (const c of result.removedCustomers) removed.add(c);
        const changes = result.changedIdentifiers();
        for (const x of changes.identifiers) changed.add(x);
        moved ||= changes.moved;
      }
      this.lastSeq = upTo;
      if (changed.size > 0) await this.writeChanges(assignmentRows(state, changed), moved);
      else await this.store.transaction((tx) => this.recordMapState(tx));
      for (const c of touched) touchedAll.add(c);
      for (const c of removed) removedAll.add(c);
      if (n < this.roundEvents) break;
    }
    // A process that follows the log for long saves its graph now and then, so that a start after a crash
    // follows a bounded stretch of the log rather than resolving all of it.
    if (
      this.eventsRead - this.savedAtEvents >= (this.options.graphFileEvents ?? 250_000) &&
      Date.now() - this.savedAtMs >= (this.options.graphFileIntervalMs ?? 300_000)
    ) {
      await this.saveGraph();
    }
    return { events, touchedCustomers: touchedAll.size, removedCustomers: removedAll.size, rebuilt: false, restored: false };
  }

  private async freshState(): Promise<IdentityState> {
    const splits = await this.store.query<{ identifier: string; from_identifier: string | null }>(
      sql`SELECT identifier, from_identifier FROM identity_splits ORDER BY created_at`,
    );
    const forbidden = {
      identifiers: [...(this.rules.forbidden?.identifiers ?? []), ...splits.filter((s) => !s.from_identifier).map((s) => s.identifier)],
      links: [
        ...(this.rules.forbidden?.links ?? []),
        ...splits.filter((s) => s.from_identifier).map((s) => [s.identifier, s.from_identifier as string] as [string, string]),
      ],
    };
    // Phones arrive already in E.164 from standardization; the graph only needs to compare digits.
    return createIdentityState({ rules: { ...this.rules, forbidden }, normalizers: { phone: normalizePhoneDigits } });
  }

  /**
   * Writes the whole map: its rows go through CSV files that the store reads set-wise (see
   * assignments-csv.ts), each part read while the next is written.
   */
  private async writeAll(): Promise<void> {
    const state = this.state as IdentityState;
    const stem = mapPartStem(this.options.tmpDir ?? tmpdir());
    const files: string[] = [];
    const columns = Object.fromEntries(customerMapTable.columns.map((c) => [c.name, c.type]));
    try {
      await this.store.transaction(async (tx) => {
        await replaceTable(tx, this.store.dialect, customerMapTable, async (next) => {
          // One statement at a time on the connection: each part's read waits for the one before, while
          // this thread goes on writing the next part.
          let read: Promise<number> = Promise.resolve(0);
          const readPart = (path: string): void => {
            read = read.then(async (n) => n + (await tx.run(sql`INSERT INTO ${ident(next)} SELECT * FROM ${this.store.csvRows(path, columns)}`)));
            // Marked as handled here; its failure is thrown where it is awaited, below.
            read.catch(() => undefined);
          };
          const pathOf = (part: number): string => {
            const path = `${stem}-${part}.csv`;
            files.push(path);
            return path;
          };
          const apart = await writeAssignmentsCsv(state, pathOf, readPart, this.options.mapPartRows).catch(async (err: unknown) => {
            // The transaction rolls back once the reads under way have finished, never under one.
            await read.catch(() => undefined);
            throw err;
          });
          return (await read) + (await tx.appendRows(next, apart));
        });
        await this.recordMapState(tx);
      });
    } finally {
      await Promise.all(files.map((f) => rm(f, { force: true })));
    }
  }

  /** The inputs a graph's map is resolved from: rules as configured, the splits in force, options, and the resolver. */
  private fingerprintOf(state: IdentityState): string {
    return mapFingerprint(RESOLUTION_VERSION, this.rules, state.rules.forbidden, this.observationOptions);
  }

  private fingerprint(): string {
    return this.fingerprintOf(this.state as IdentityState);
  }

  /** Whether the stored customer_map was written from the events up to `lastSeq` (`events` of them) and these inputs. */
  private async storedMapMatches(lastSeq: number, events: number, fingerprint: string): Promise<boolean> {
    const [stored] = await this.store.query<{ last_seq: number; events: number; fingerprint: string }>(
      sql`SELECT last_seq, events, fingerprint FROM identity_map_state`,
    );
    return stored !== undefined && Number(stored.last_seq) === lastSeq && Number(stored.events) === events && stored.fingerprint === fingerprint;
  }

  /** Records, in the transaction that writes the map, what it now reflects. */
  private async recordMapState(tx: StoreTx): Promise<void> {
    await tx.run(sql`DELETE FROM identity_map_state`);
    await tx.run(sql`INSERT INTO identity_map_state VALUES (${this.lastSeq}, ${this.eventsRead}, ${this.fingerprint()})`);
  }

  /** Writes what one change (a split or its removal) did to the map. */
  private writeResult(result: ApplyResult): Promise<void> {
    const changes = result.changedIdentifiers();
    return this.writeChanges(assignmentRows(this.state as IdentityState, changes.identifiers), changes.moved);
  }

  /**
   * Writes the rows of the identifiers a change gave a new customer (or a first one). With `moved`, some of
   * them had a row, so every key written is deleted first; the rows of a customer that a merge retired are
   * among them, since the change tracker reports every member of a component whose representative changed.
   * A delete by customer id as well scanned the whole map a second time, 0.6 s of a 3.6 s refresh of
   * 100,000 events at 1M customers.
   */
  private async writeChanges(rows: readonly AssignmentRow[], moved: boolean): Promise<void> {
    // Rows go through the appender into a temp table, then set-based statements: customer_map is scanned
    // at most once per round however many customers changed (a chunked IN list rescanned it per chunk:
    // quadratic under load). Bound as list parameters instead, each value cost a JavaScript conversion; a
    // refresh that rewrote 46,000 customers spent a fifth of its time binding them.
    await this.store.transaction(async (tx) => {
      await tx.run(sql`CREATE OR REPLACE TEMP TABLE map_new (type VARCHAR, value VARCHAR, customer_id VARCHAR)`);
      await tx.appendRows('map_new', rows);
      if (moved) await tx.run(sql`DELETE FROM customer_map WHERE (type, value) IN (SELECT type, value FROM map_new)`);
      await tx.run(sql`INSERT INTO customer_map (type, value, customer_id) SELECT type, value, customer_id FROM map_new`);
      await tx.run(sql`DROP TABLE map_new`);
      await this.recordMapState(tx);
    });
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
