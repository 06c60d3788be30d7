import { raw, sql, type Sql } from '../../store/index.js';
import type { EngineFunctions } from '../sql/engine-functions.js';
import { inList } from '../sql/in-list.js';
import type { MessagePaths } from './message-paths.js';

/**
 * The traffic source of the orders and customers that no session brought (orders imported from files
 * or sent by a back end): one label for every report that breaks down by source. Parenthesised like
 * Google Analytics' `(none)`, so no `utm_source` a shop writes is mistaken for it.
 */
export const NO_SOURCE = '(none)';

/** The source of a session no call of which says where it came from (events.md). */
export const DIRECT_SOURCE = 'direct';

/**
 * The source a call gives the session it starts (events.md): its campaign source (`utm_source`, as
 * the shop wrote it), else its referrer's site, else NULL (the session is then `direct`).
 *
 * A referrer's host counts as its site, without a leading `www.` or `m.`, so www.google.com and
 * google.com are one source (events.md says "the referrer's host" and nothing on spellings of one
 * host). A referrer on the page's own site is no referrer (events.md is silent on it): it is navigation
 * inside the site (a later page's referrer, a tab left open past the session gap, a return from a
 * payment page), which Google Analytics and PostHog do not count as a new source either.
 */
export function sessionSourceHint(f: EngineFunctions, m: MessagePaths): Sql {
  const referrer = sql`coalesce(${m.text(['properties', 'referrer'])}, ${m.text(['context', 'page', 'referrer'])}, ${m.text(['context', 'referrer', 'url'])})`;
  // A page call's own URL is in its properties; any call's page is in its context.
  const pageUrl = sql`coalesce(CASE WHEN ${inList(raw('e.type'), ['page', 'screen'])} THEN ${m.text(['properties', 'url'])} END, ${m.text(['context', 'page', 'url'])})`;
  return sql`coalesce(${m.text(['context', 'campaign', 'source'])}, nullif(${f.siteHost(f.urlHost(referrer))}, ${f.siteHost(f.urlHost(pageUrl))}))`;
}
