import { TesseraError } from '../contract/index.js';
import type { GraphSink, GraphSource } from './graph-file.js';
import type { Identifier, IdentifierNormalizers } from './identifier.js';
import { IdentifierTable, OUTSIDE_GRAPH } from './identifier-table.js';
import { MergeLog } from './merge-log.js';
import { compileMergeRules, type MergeRules, type MergeRulesInput } from './merge-rules.js';
import { ObservationLog } from './observation-log.js';
import { StringArena } from './string-arena.js';
import { ensureCapacity, withLength } from './typed-buffers.js';

/**
 * The identifiers that appeared together in one message: userId and anonymousId, traits.email and
 * traits.phone (also from context.traits), an import row's email and customer id, or an alias's previousId
 * and userId. Identifiers that appear together are claimed to be one person; the merge rules decide.
 */
export interface Observation {
  readonly messageId: string;
  /** Event time in epoch milliseconds. */
  readonly timestamp: number;
  readonly identifiers: readonly Identifier[];
}

/** How a graph is set up: merge rules as data, and value normalizers by identifier type (e.g. a libphonenumber one for `phone`). */
export interface IdentityOptions {
  readonly rules?: MergeRulesInput | MergeRules;
  readonly normalizers?: IdentifierNormalizers;
}

/**
 * The identity graph: interned identifiers with their union-find, the observations that can link them, and
 * the merge log. Opaque to callers; the functions of this folder read and update it in place.
 */
export class IdentityState {
  readonly table: IdentifierTable;
  /** Message ids, shared by the observations and the identifiers' first sightings. */
  readonly messages = new StringArena();
  readonly observations = new ObservationLog(this.messages);
  readonly log = new MergeLog();
  /** The canonically latest observation processed, -1 before any: anything later can simply be appended. */
  lastObservation = -1;
  /** Stamps for marking identifiers and observations during a replay without clearing arrays between replays. */
  epoch = 0;
  observationMark = new Int32Array(0);
  /** Reused per observation for its identifiers' type numbers. */
  readonly typeScratch: number[] = [];
  /** Reused per observation for its deduplicated identifier numbers. */
  readonly idScratch: number[] = [];
  /** Reused per chunk of observations for their identifiers, end to end. */
  readonly chunkBuffers = new ChunkBuffers();
  /**
   * Per identifier, for the change tracker: the stamp of the batch that noted it, and its customer's
   * representative then (-1: the batch created it). Typed arrays with stamps, not a Map and a Set per batch:
   * those were more than half of an incremental batch's time. Allocated on first use (a rebuild tracks nothing).
   */
  trackedMark = new Int32Array(0);
  trackedRepr = new Int32Array(0);
  private currentRules: MergeRules;

  constructor(options: IdentityOptions = {}) {
    const compiled = compileMergeRules(options.rules ?? {});
    this.table = new IdentifierTable(compiled, this.messages, options.normalizers);
    this.currentRules = compiled.rules;
    this.setForbidden(compiled.rules.forbidden);
  }

  /** The merge rules in force, including the forbidden identifiers and links that splits have recorded. */
  get rules(): MergeRules {
    return this.currentRules;
  }

  /** Replaces the forbidden rules (keys are normalized so they match what is interned); callers then replay. */
  setForbidden(forbidden: MergeRules['forbidden']): void {
    const identifiers = [...new Set(forbidden.identifiers.map((k) => this.table.canonicalKey(k)))].sort();
    const seen = new Set<string>();
    const links: Array<[string, string]> = [];
    for (const [a, b] of forbidden.links) {
      const pair = [this.table.canonicalKey(a), this.table.canonicalKey(b)].sort() as [string, string];
      const id = pair.join('\u0000');
      if (pair[0] === pair[1] || seen.has(id)) continue;
      seen.add(id);
      links.push(pair);
    }
    links.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
    this.currentRules = { ...this.currentRules, forbidden: { identifiers, links } };
    this.table.applyForbidden(identifiers, links);
  }

  /** Writes the whole graph into `sink` (see graph-file.ts); restore() reads it back into a fresh state. */
  save(sink: GraphSink): void {
    sink.number('state.lastObservation', this.lastObservation);
    sink.number('state.epoch', this.epoch);
    this.table.save(sink);
    this.messages.save(sink, 'messages');
    this.observations.save(sink);
    this.log.save(sink);
  }

  /** Reads a saved graph into this fresh state, made with the rules the graph was saved under. */
  restore(source: GraphSource): void {
    this.table.restore(source);
    this.messages.restore(source, 'messages');
    this.observations.restore(source);
    this.log.restore(source);
    this.lastObservation = source.number('state.lastObservation');
    // Identifiers keep the stamps of past replays; later stamps must be larger.
    this.epoch = source.number('state.epoch');
    this.observationMark = new Int32Array(0);
    // The forbidden flags came back with the records; this finds the numbers of the identifiers they name.
    this.setForbidden(this.currentRules.forbidden);
  }

  /** Grows the change tracker's arrays to cover every identifier. */
  coverTracked(): void {
    const count = this.table.count;
    if (this.trackedMark.length >= count) return;
    const length = Math.max(1024, Math.ceil(count * 1.5));
    this.trackedMark = withLength(this.trackedMark, length);
    this.trackedRepr = withLength(this.trackedRepr, length);
  }

  /** A fresh stamp, with the observation marks grown to cover every observation (identifiers carry their own). */
  nextEpoch(): number {
    this.observationMark = ensureCapacity(this.observationMark, this.observations.count);
    return ++this.epoch;
  }
}

/** The identifier number named by a `type:value` key or an identifier (normalized first), -1 if never seen. */
export function resolveIdentifier(state: IdentityState, identifier: string | Identifier): number {
  return typeof identifier === 'string' ? state.table.lookupKey(identifier) : state.table.lookup(identifier.type, identifier.value);
}

/** Like resolveIdentifier, but an unknown identifier is the caller's mistake. */
export function requireIdentifier(state: IdentityState, identifier: string | Identifier): number {
  const x = resolveIdentifier(state, identifier);
  if (x < 0) {
    const key = typeof identifier === 'string' ? identifier : `${identifier.type}:${identifier.value}`;
    throw new TesseraError('not_found', `no identifier ${key} in the identity graph`);
  }
  return x;
}

/** The customer id of the component rooted at `r`. */
export function customerIdOfRoot(state: IdentityState, r: number): string {
  return state.table.customerIdOf(state.table.reprOf(r));
}

/** The customer id of identifier number `x`, undefined for a blocked or invalid value (which belongs to no one). */
export function customerIdOf(state: IdentityState, x: number): string | undefined {
  if ((state.table.flagsOf(x) & OUTSIDE_GRAPH) !== 0) return undefined;
  return customerIdOfRoot(state, state.table.find(x));
}

/** A chunk's identifiers end to end: observation j's are at start[j] .. start[j + 1] - 1. */
export class ChunkBuffers {
  types = new Int32Array(0);
  readonly values: string[] = [];
  ids = new Int32Array(0);
  existed = new Uint8Array(0);
  start = new Int32Array(1);

  reserve(observations: number, identifiers: number): void {
    if (this.start.length <= observations) this.start = new Int32Array(observations + 1);
    if (this.types.length < identifiers) {
      const room = Math.max(identifiers, 2 * this.types.length);
      const types = new Int32Array(room);
      types.set(this.types);
      this.types = types;
      this.ids = new Int32Array(room);
      this.existed = new Uint8Array(room);
    }
  }
}

/** Checks the whole observation before any of it touches the graph, leaving each identifier's type number in `types`. */
function checkObservation(table: IdentityState['table'], observation: Observation, types: number[]): void {
  if (typeof observation.messageId !== 'string' || observation.messageId.length === 0) {
    throw new TesseraError('invalid_argument', 'an observation needs a messageId');
  }
  if (typeof observation.timestamp !== 'number' || !Number.isFinite(observation.timestamp)) {
    throw new TesseraError('invalid_argument', `observation ${observation.messageId} needs a timestamp in epoch milliseconds`);
  }
  const identifiers = observation.identifiers;
  for (let k = 0; k < identifiers.length; k++) {
    const identifier = identifiers[k]!;
    if (typeof identifier.value !== 'string') {
      throw new TesseraError('invalid_argument', `observation ${observation.messageId}: the ${identifier.type} identifier's value must be a string`);
    }
    types[k] = table.typeIdFor(identifier.type);
  }
}

/** Told of every identifier a change involves: before the change touches it, and to read it afterwards. */
export interface ChangeObserver {
  noteBefore(x: number): void;
  noteAfter(x: number): void;
  noteCreated(x: number): void;
}

/** What ingestChunk did: how many of the chunk's observations it took in, and why it stopped short, if it did. */
export interface ChunkIngested {
  readonly count: number;
  readonly error?: unknown;
}

/**
 * Interns the identifiers of a chunk of observations and stores each observation that can link anything,
 * leaving its number (else -1) in `out`, in input order. Each observation is checked whole before any of
 * it touches the graph; at the first bad one the chunk stops there, the observations before it taken in,
 * and the error is returned for the caller to throw once those are resolved. With an observer (following
 * the log) or `skipTwins` (a rebuild read in time spans, each deduplicated on its own), an observation whose
 * identifier set is stored with an earlier position is skipped.
 */
export function ingestChunk(state: IdentityState, chunk: readonly Observation[], out: Int32Array, observer?: ChangeObserver, skipTwins = false): ChunkIngested {
  const table = state.table;
  const buffers = state.chunkBuffers;
  buffers.reserve(chunk.length, 4 * chunk.length);
  const typeScratch = state.typeScratch;
  const values = buffers.values;
  const start = buffers.start;
  let count = 0;
  let error: unknown;
  let n = 0;
  for (; count < chunk.length; count++) {
    const observation = chunk[count]!;
    try {
      checkObservation(table, observation, typeScratch);
    } catch (err) {
      error = err;
      break;
    }
    start[count] = n;
    const identifiers = observation.identifiers;
    buffers.reserve(chunk.length, n + identifiers.length);
    const types = buffers.types;
    for (let k = 0; k < identifiers.length; k++) {
      types[n] = typeScratch[k]!;
      values[n] = identifiers[k]!.value;
      n++;
    }
  }
  start[count] = n;
  table.internBatch(buffers.types, values, n, buffers.ids, buffers.existed);
  values.length = 0;
  const scratch = state.idScratch;
  for (let j = 0; j < count; j++) out[j] = storeObservation(state, chunk[j]!, buffers, start[j]!, start[j + 1]!, scratch, observer, skipTwins || observer !== undefined);
  return error === undefined ? { count } : { count, error };
}

/** True when a stored observation holds exactly these identifiers and comes first in canonical order. */
function hasEarlierTwin(state: IdentityState, ids: readonly number[], n: number, time: number, messageId: string): boolean {
  const { table, observations: log } = state;
  // Any linkable identifier's chain holds every stored observation with it; blocked ones have none. The
  // last one is walked: identifiers come in the event's order (user id, emails, phone, then anonymous ids),
  // and a device's anonymous id is in a few sets where a user id is in every set of the person.
  let x = -1;
  for (let k = n - 1; k >= 0 && x < 0; k--) if ((table.flagsOf(ids[k]!) & OUTSIDE_GRAPH) === 0) x = ids[k]!;
  if (x < 0) return false;
  for (let p = table.headOf(x); p >= 0; p = log.previous[p]!) {
    const o = log.ownerOf(p);
    const from = log.start[o]!;
    if (log.start[o + 1]! - from !== n) continue;
    let same = true;
    // Both sides are deduplicated, so n of them all found among the n is the same set.
    for (let q = from; q < from + n && same; q++) same = firstIndexOf(ids, n, log.ids[q]!) >= 0;
    if (!same) continue;
    const t = log.time[o]!;
    if (t < time || (t === time && state.messages.compareWith(log.message[o]!, messageId) <= 0)) return true;
  }
  return false;
}

function firstIndexOf(ids: readonly number[], n: number, x: number): number {
  for (let k = 0; k < n; k++) if (ids[k] === x) return k;
  return -1;
}

function spansComponents(table: IdentityState['table'], ids: readonly number[], n: number): boolean {
  const root = table.find(ids[0]!);
  for (let k = 1; k < n; k++) if (table.find(ids[k]!) !== root) return true;
  return false;
}

/** Records when each of an observation's (interned) identifiers was first seen; stores the observation if it can link anything. */
function storeObservation(
  state: IdentityState,
  observation: Observation,
  buffers: ChunkBuffers,
  from: number,
  to: number,
  scratch: number[],
  observer: ChangeObserver | undefined,
  skipTwins: boolean,
): number {
  const table = state.table;
  const time = observation.timestamp;
  const messageId = observation.messageId;
  const { ids, existed } = buffers;
  let n = 0;
  // The message id is stored once, and only if an identifier is first seen in it or the observation is kept.
  let message = -1;
  // Bit k: scratch[k] was reported to the observer already (identifiers past the 31st are reported again).
  let noted = 0;
  let anyNew = false;
  for (let p = from; p < to; p++) {
    const x = ids[p]!;
    const earlier = table.isEarlierSighting(x, time, messageId);
    // The observer hears only of what can change a customer: a new identifier, or a first sighting that
    // moves (which can rename the customer; noted before it moves). Most events repeat known identifiers
    // of one customer, and reporting those rewrote every active customer's map rows at each refresh.
    if (existed[p] === 0) anyNew = true;
    const report = observer !== undefined && (existed[p] === 0 || earlier);
    if (report) {
      if (existed[p] === 1) observer.noteBefore(x);
      else observer.noteCreated(x);
      observer.noteAfter(x);
    }
    if (earlier) {
      if (message < 0) message = state.messages.add(messageId);
      table.setFirstSeen(x, time, message);
    }
    let duplicate = false;
    for (let k = 0; k < n; k++) {
      if (scratch[k] === x) {
        duplicate = true;
        break;
      }
    }
    if (duplicate) continue;
    if (report && n < 31) noted |= 1 << n;
    scratch[n++] = x;
  }
  if (n < 2) return -1;
  // Following the log, a later event with the identifiers of a stored one changes nothing (see
  // firstEventOfEachIdentifierSet): it is neither stored nor reported, so a signed-in visitor's every
  // page view does not grow the log and lengthen the replays of a late event. (A set with a new
  // identifier has no twin; a rebuild read in one span has no repeats, so it is not checked there.)
  if (skipTwins && !anyNew && hasEarlierTwin(state, scratch, n, time, messageId)) return -1;
  // A link between two components can merge them (processed later in this batch, by which time merges
  // have only grown components); one whose identifiers already share a component changes nothing.
  if (observer !== undefined && spansComponents(table, scratch, n)) {
    for (let k = 0; k < n; k++) {
      if (k < 31 && (noted & (1 << k)) !== 0) continue;
      // Not reported above, so it existed: its component is noted before this batch merges anything.
      observer.noteBefore(scratch[k]!);
      observer.noteAfter(scratch[k]!);
    }
  }
  // Insertion sort (observations hold a handful of ids): linkable ones by priority, then the blocked ones.
  for (let i = 1; i < n; i++) {
    const x = scratch[i]!;
    const xOut = table.flagsOf(x) & OUTSIDE_GRAPH;
    let j = i - 1;
    while (j >= 0) {
      const y = scratch[j]!;
      const yOut = table.flagsOf(y) & OUTSIDE_GRAPH;
      const before = xOut !== yOut ? xOut === 0 : table.compareIdentifiers(x, y) < 0;
      if (!before) break;
      scratch[j + 1] = y;
      j--;
    }
    scratch[j + 1] = x;
  }
  if (message < 0) message = state.messages.add(messageId);
  return state.observations.append(time, message, scratch, n, table);
}
