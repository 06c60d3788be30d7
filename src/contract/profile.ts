// The single customer view's documents: `profile --json`, `profiles search`, and /api/v1/profiles.

export interface ProfileIdentifier {
  type: string;
  value: string;
  first_seen: string | null;
}

/** The single customer view (product.md's JSON for `profile --json` and `/api/v1/profiles/:id`). */
export interface Profile {
  customer_id: string;
  identifiers: ProfileIdentifier[];
  traits: Record<string, unknown>;
  /** Where each trait's current value came from: the source and the message. */
  trait_sources: Record<string, { source: string; message_id: string; at: string }>;
  computed: Record<string, unknown>;
  merges: number;
  refused_merges: number;
  timeline: string;
  /** Present when the profile was asked for by a customer id that a merge, a split or an earlier event retired. */
  redirected_from?: string;
}

/** One match of a profile search: enough to tell people apart and open the full profile. */
export interface ProfileMatch {
  customer_id: string;
  name: string | null;
  emails: string[];
  phones: string[];
}

export interface ProfileSearch {
  query: string;
  profiles: ProfileMatch[];
}

/** One page of a customer's events, newest first (`/api/v1/profiles/:id/timeline`). */
export interface Timeline {
  customer_id: string;
  /**
   * `repeat_of`, on an `Order Completed` that repeats an earlier one of the customer for the same `order_id` (the web
   * stream and an orders export both sent it): the earlier one's `seq`. Both are stored, as sent; KPIs and computed
   * traits count the order once (events.md). Refunds are not marked: each one sent counts.
   */
  events: { seq: number; source: string; message: unknown; repeat_of?: number }[];
  /** Pass as `before` to read the next (older) page; null on the last page. */
  next: string | null;
}
