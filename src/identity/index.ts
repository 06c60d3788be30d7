// Identity resolution: every identifier a person leaves resolves to one customer. The graph core here is
// pure (no storage, no I/O); the service below feeds it from the event log and writes customer_map.

/** An identifier: its type (`user`, `anon`, `email`, `phone` or source-declared) and value. */
export type { Identifier } from './identifier.js';
/** Turns a raw identifier value into its matching form, or undefined when unusable. */
export type { IdentifierNormalizer } from './identifier.js';
/** Value normalizers by identifier type. */
export type { IdentifierNormalizers } from './identifier.js';
/** The identifier types every source shares. */
export { BUILTIN_IDENTIFIER_TYPES } from './identifier.js';
/** The canonical `type:value` key of an identifier. */
export { identifierKey } from './identifier.js';
/** Reads a `type:value` key back into an identifier. */
export { parseIdentifierKey } from './identifier.js';
/** An identifier in matching form (emails trimmed and lower-cased, phones by the pluggable normalizer). */
export { normalizeIdentifier } from './identifier.js';
/** Trims and lower-cases an email; undefined when it has no local part or domain. */
export { normalizeEmail } from './identifier.js';
/** Strips a phone's formatting; a stand-in for the libphonenumber normalizer. */
export { normalizePhoneDigits } from './identifier.js';
/** The normalizers used when none is given for a type. */
export { defaultNormalizers } from './identifier.js';

/** Merge rules as data (zod schema and type): blocked values, per-type limits, priority, splits. */
export { MergeRules } from './merge-rules.js';
/** Merge rules as written in config, before defaults. */
export type { MergeRulesInput } from './merge-rules.js';
/** The junk values that never link anything unless the rules turn the defaults off. */
export { DEFAULT_BLOCKED_VALUES } from './merge-rules.js';
/** Validates merge rules and precomputes their lookups. */
export { compileMergeRules } from './merge-rules.js';

/** The identity graph, updated in place by the functions below. */
export type { IdentityState } from './identity-state.js';
/** The identifiers that appeared together in one message. */
export type { Observation } from './identity-state.js';
/** Merge rules and normalizers for a new graph. */
export type { IdentityOptions } from './identity-state.js';
/** Creates an empty identity graph. */
export { createIdentityState } from './identity-graph.js';
/** Adds observations in place, in any order, and reports the customers they changed. */
export { applyObservations } from './identity-graph.js';
/** Resolves every observation from scratch, streaming the input. */
export { rebuild } from './identity-graph.js';
/** What a batch or a split changed: touched and removed customers, and their assignments. */
export type { ApplyResult } from './change-tracker.js';

/** The customer an identifier resolves to. */
export { customerOf } from './read-graph.js';
/** Every identifier with its customer. */
export { listAssignments } from './read-graph.js';
/** Every customer with its identifiers, earliest first. */
export { listCustomers } from './read-graph.js';
/** The merge log in canonical order. */
export { readMergeLog } from './read-graph.js';
/** One identifier and its customer. */
export type { Assignment } from './read-graph.js';
/** One customer and its identifiers. */
export type { CustomerIdentifiers } from './read-graph.js';
/** One merge made or refused, with its message and rule. */
export type { MergeLogEntry } from './read-graph.js';

/** Why an identifier belongs to its customer: identifiers, merges, refusals, splits. */
export { explainIdentifier } from './explain.js';
/** The answer of explainIdentifier. */
export type { IdentifierExplanation } from './explain.js';

/** Undoes a wrong merge by recording a split rule and recomputing the customers involved. */
export { splitIdentifier } from './split.js';
/** Removes a split, letting the customers merge again. */
export { removeSplit } from './split.js';
/** Which link a split is about. */
export type { SplitOptions } from './split.js';

/** The deterministic customer id of a component, from its representative's key (the highest-priority type, then the earliest). */
export { customerIdFor } from './customer-id.js';

/** The identity graph of a data directory, kept current and written to customer_map. */
export { IdentityService, type RefreshResult } from './identity-service.js';

/** The single customer view of the customer an identifier (or a customer id) resolves to. */
export { readProfile, type Profile } from './profile.js';
/** Why a customer is what it is, for an identifier or a customer id (not_found if unknown). */
export { explainProfile } from './profile.js';
/** The customer id an identifier (`type:value`) or a customer id names, if any. */
export { findCustomerId, requireCustomerId, resolveCustomer, standardIdentifier } from './profile.js';
/** Every profile, in batches, for `profiles export`. */
export { exportProfiles, type ExportedProfile } from './profiles-export.js';
/** A customer's events, newest first, a page at a time. */
export { readTimeline, type Timeline, type TimelineOptions } from './profile-timeline.js';
/** Customers whose name, email or phone contains a query. */
export { searchProfiles, type ProfileSearch, type ProfileMatch } from './profile-search.js';
/** `events AS e` with the joins, and the expression, that give each event its resolved customer. */
export { eventsWithCustomerJoins, eventCustomerId } from './profile-events.js';
/** The type priority the stored customer_map was resolved under, which eventsWithCustomerJoins and eventCustomerId take. */
export { readMapPriority } from './map-priority.js';
