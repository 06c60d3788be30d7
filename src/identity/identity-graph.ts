import { BLOCKED, OUTSIDE_GRAPH, UNLINKABLE } from './identifier-table.js';
import { ChangeTracker, type ApplyResult } from './change-tracker.js';
import { ingestChunk, IdentityState, type IdentityOptions, type Observation } from './identity-state.js';
import { RULE_BLOCKED, RULE_FORBIDDEN_IDENTIFIER, RULE_INVALID, RULE_MERGE } from './merge-log.js';
import { ensureCapacity } from './typed-buffers.js';

/**
 * Resolves one observation against the graph. Its identifiers are in priority order, so the first linkable
 * one is the anchor: the anchor's customer absorbs each other identifier's customer in turn, each merge
 * checked against the forbidden links and the per-type limits. A refused identifier keeps its customer.
 */
function processObservation(state: IdentityState, o: number): void {
  const { table, observations, log } = state;
  const ids = observations.ids;
  const s = observations.start[o]!;
  const e = observations.start[o + 1]!;
  let anchor = -1;
  for (let p = s; p < e; p++) {
    const x = ids[p]!;
    if ((table.flagsOf(x) & UNLINKABLE) === 0) {
      anchor = x;
      break;
    }
  }
  // With no linkable identifier, refusals are logged against the first one so each still names a pair.
  const partner = anchor >= 0 ? anchor : ids[s]!;
  let root = anchor >= 0 ? table.find(anchor) : -1;
  for (let p = s; p < e; p++) {
    const x = ids[p]!;
    if (x === partner) continue;
    const f = table.flagsOf(x);
    if ((f & UNLINKABLE) !== 0) {
      const rule = (f & BLOCKED) !== 0 ? RULE_BLOCKED : (f & OUTSIDE_GRAPH) !== 0 ? RULE_INVALID : RULE_FORBIDDEN_IDENTIFIER;
      log.append(o, partner, x, rule);
      continue;
    }
    const rx = table.find(x);
    if (rx === root) continue;
    const refusal = table.checkMerge(root, rx);
    if (refusal !== 0) {
      log.append(o, anchor, x, refusal);
      continue;
    }
    root = table.union(root, rx);
    log.append(o, anchor, x, RULE_MERGE);
  }
}

/** Processes observations given in canonical order; a message seen twice (same time, id and content) counts once. */
function processSequence(state: IdentityState, order: ArrayLike<number>): void {
  const { observations, table } = state;
  const time = observations.time;
  let previous = -1;
  let previousTime = Number.NaN;
  for (let k = 0; k < order.length; k++) {
    const o = order[k]!;
    const t = time[o]!;
    if (t === previousTime && observations.compare(previous, o, table) === 0) continue;
    processObservation(state, o);
    previous = o;
    previousTime = t;
  }
  if (previous >= 0 && (state.lastObservation < 0 || observations.compare(previous, state.lastObservation, table) > 0)) {
    state.lastObservation = previous;
  }
}

/**
 * Recomputes the part of the graph that `seeds` belong to, exactly as a full rebuild would. The affected set
 * is closed: it holds the components of the seeds plus, repeatedly, every component that shares an
 * observation with one already in it (a refused merge links the two sides' fates too). No observation
 * outside the set touches it, so replaying the set's observations in canonical order from singletons
 * reproduces the full rebuild on it. Observations in `pending` are left out: they are processed afterwards.
 */
export function replayComponents(state: IdentityState, seeds: readonly number[], tracker?: ChangeTracker, pending?: ArrayLike<number>): number {
  const { table, observations } = state;
  const epoch = state.nextEpoch();
  const observationMark = state.observationMark;
  if (pending !== undefined) for (let k = 0; k < pending.length; k++) observationMark[pending[k]!] = epoch;
  const affected: number[] = [];
  const add = (x: number): void => {
    if (table.isMarked(x, epoch) || (table.flagsOf(x) & OUTSIDE_GRAPH) !== 0) return;
    const r = table.find(x);
    tracker?.noteBefore(r);
    for (const m of table.members(r)) {
      table.mark(m, epoch);
      affected.push(m);
    }
  };
  for (const x of seeds) add(x);
  const replay: number[] = [];
  const { previous, start, ids } = observations;
  for (let i = 0; i < affected.length; i++) {
    for (let p = table.headOf(affected[i]!); p >= 0; p = previous[p]!) {
      const o = observations.ownerOf(p);
      if (observationMark[o] === epoch) continue;
      observationMark[o] = epoch;
      replay.push(o);
      for (let q = start[o]!; q < start[o + 1]!; q++) add(ids[q]!);
    }
  }
  const order = observations.sortCanonical(Int32Array.from(replay), table);
  for (const o of order) state.log.retract(o);
  for (const m of affected) table.reset(m);
  processSequence(state, order);
  if (tracker !== undefined) for (const m of affected) tracker.noteAfter(m);
  state.log.compactIfSparse();
  return order.length;
}

/** Observations taken in at a time: their identifiers are interned together (see IdentifierTable.internBatch). */
const CHUNK = 512;

/**
 * Stores a batch and resolves it. Observations later than everything processed are appended in canonical
 * order (the fast path); earlier ones are stored and their components replayed first, which is where a
 * full rebuild would have put them.
 */
function resolveBatch(state: IdentityState, observations: Iterable<Observation>, tracker?: ChangeTracker, skipTwins = false): ApplyResult {
  const table = state.table;
  const log = state.observations;
  const late: number[] = [];
  let onTime = new Int32Array(Array.isArray(observations) ? observations.length : 1024);
  let onTimeCount = 0;
  let stored = 0;
  const last = state.lastObservation;
  let replayed = 0;
  const chunk: Observation[] = [];
  const numbers = new Int32Array(CHUNK);
  let failure: { error: unknown } | undefined;
  /** Takes the chunk in; false when a bad observation stopped it (the failure is kept to throw at the end). */
  const takeChunk = (): boolean => {
    const taken = ingestChunk(state, chunk, numbers, tracker, skipTwins);
    chunk.length = 0;
    for (let j = 0; j < taken.count; j++) {
      const o = numbers[j]!;
      if (o < 0) continue;
      stored++;
      if (last >= 0 && log.compare(o, last, table) <= 0) {
        late.push(o);
      } else {
        if (onTimeCount === onTime.length) onTime = ensureCapacity(onTime, onTimeCount + 1);
        onTime[onTimeCount++] = o;
      }
    }
    if ('error' in taken) failure = { error: taken.error };
    return failure === undefined;
  };
  try {
    for (const observation of observations) {
      chunk.push(observation);
      if (chunk.length === CHUNK && !takeChunk()) break;
    }
  } finally {
    // Even when a bad observation or the input stops the batch, the ones stored before it are resolved: a
    // stored observation is taken to be processed, so leaving one out would corrupt later replays.
    if (chunk.length > 0 && failure === undefined) takeChunk();
    const pending = onTime.subarray(0, onTimeCount);
    if (late.length > 0) {
      const seeds: number[] = [];
      for (const o of late) for (let q = log.start[o]!; q < log.start[o + 1]!; q++) seeds.push(log.ids[q]!);
      replayed = replayComponents(state, seeds, tracker, pending) - late.length;
    }
    processSequence(state, log.sortCanonical(pending, table));
  }
  if (failure !== undefined) throw failure.error;
  return tracker === undefined
    ? { stored, replayed, touchedCustomers: [], removedCustomers: [], changedIdentifiers: () => ({ identifiers: [], moved: false }) }
    : tracker.finish(stored, replayed);
}

/** Creates an empty identity graph with the given merge rules and normalizers. */
export function createIdentityState(options: IdentityOptions = {}): IdentityState {
  return new IdentityState(options);
}

/**
 * Adds observations to the graph in place and reports which customers changed. The result is the same as a
 * rebuild over every observation ever applied, whatever order they arrive in.
 */
export function applyObservations(state: IdentityState, observations: Iterable<Observation>): ApplyResult {
  return resolveBatch(state, observations, new ChangeTracker(state));
}

/**
 * Adds observations to the graph in place without reporting what changed: for a rebuild read in chunks, where
 * the whole map is written at the end and tracking every chunk's customers would be wasted work. With
 * `skipTwins`, an observation whose identifier set is stored already, earlier, is left out, as following the
 * log leaves it out: a rebuild read in time spans sees a set once per span.
 */
export function extendObservations(state: IdentityState, observations: Iterable<Observation>, skipTwins = false): void {
  resolveBatch(state, observations, undefined, skipTwins);
}

/** Resolves every observation from scratch; streams the input, so a generator need not hold all of it in memory. */
export function rebuild(observations: Iterable<Observation>, options: IdentityOptions = {}): IdentityState {
  const state = new IdentityState(options);
  if (Array.isArray(observations)) {
    const n = observations.length;
    state.observations.reserve(n, n * 2);
    state.log.reserve(n, n);
  }
  resolveBatch(state, observations);
  return state;
}
