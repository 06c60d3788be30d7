import { raw, sql, type Dialect, type StoreTx } from '../../store/index.js';
import { engineFunctions } from '../sql/engine-functions.js';
import { eventCodes } from './assign-keys.js';
import { eventName, sessionGapMinutes } from './fact-tables.js';
import { keyInScope, type RefreshScope } from './scope.js';
import { DIRECT_SOURCE } from './traffic-source.js';

/**
 * Re-sessionizes the visitors in scope (events.md): a visitor's web calls (page, screen and track
 * calls not imported from files) with no gap over 30 minutes make one session, keyed by the
 * resolved customer; its source is the first call's campaign source, else referrer site (not the
 * page's own: see traffic-source.ts), else `direct`. Only visitors with new or re-keyed events are redone: a re-keyed visitor from their whole
 * history, one with new events from the first session that a new event can touch, so a late event that
 * bridges two sessions merges them exactly as a full rebuild would, and a refresh does not re-read a
 * returning visitor's years of calls.
 */
export async function buildSessions(tx: StoreTx, d: Dialect, scope: RefreshScope): Promise<number> {
  const f = engineFunctions(d);
  const codes = await eventCodes(tx, [eventName.orderCompleted, eventName.productAdded, eventName.checkoutStarted, eventName.signedUp]);
  const code = (name: string) => codes.get(name) ?? -1;
  const gap = raw(`INTERVAL '${sessionGapMinutes}' MINUTE`);
  let calls = sql`SELECT * FROM event_facts WHERE web`;
  if (scope.kind === 'affected') {
    // A new call at from_ts can only join or bridge sessions that end within the gap before it: those, and
    // every later one, are redone from the first one's start; earlier sessions stay as they are (a call
    // before redo_from cannot be in the same session as one after it). NULL: the whole history.
    await tx.run(sql`CREATE OR REPLACE TEMP TABLE session_redo AS
      SELECT a.key, CASE WHEN a.from_ts IS NOT NULL THEN least(a.from_ts, coalesce(min(s.start_ts), a.from_ts)) END AS redo_from
      FROM affected_keys a LEFT JOIN sessions s ON s.visitor_key = a.key AND s.end_ts >= a.from_ts - ${gap}
      GROUP BY a.key, a.from_ts`);
    await tx.run(sql`CREATE OR REPLACE TEMP TABLE sessions_gone AS
      SELECT s.session_id FROM sessions s JOIN session_redo r ON s.visitor_key = r.key WHERE r.redo_from IS NULL OR s.start_ts >= r.redo_from`);
    await tx.run(sql`DELETE FROM sessions WHERE session_id IN (SELECT session_id FROM sessions_gone)`);
    await tx.run(sql`DELETE FROM session_orders WHERE session_id IN (SELECT session_id FROM sessions_gone)`);
    calls = sql`SELECT ef.* FROM event_facts ef JOIN session_redo r ON ef.customer_key = r.key WHERE ef.web AND (r.redo_from IS NULL OR ef.ts >= r.redo_from)`;
  }
  await tx.run(sql`CREATE OR REPLACE TEMP TABLE session_calls AS
    WITH calls AS (
      SELECT seq, ts, local_day, customer_key AS visitor_key, is_page, event_code, source_hint, order_id,
        lag(ts) OVER (PARTITION BY customer_key ORDER BY ts, seq) AS previous_ts
      FROM (${calls}) ef),
    starts AS (
      SELECT *, CASE WHEN previous_ts IS NULL OR ts > previous_ts + ${gap} THEN 1 ELSE 0 END AS starts_session
      FROM calls)
    SELECT *, sum(starts_session) OVER (PARTITION BY visitor_key ORDER BY ts, seq ROWS UNBOUNDED PRECEDING) AS session_number
    FROM starts`);
  // Exactly one call of a session starts it, so max(CASE WHEN starts_session …) picks that call's values.
  const inserted = await tx.run(sql`INSERT INTO sessions (session_id, visitor_key, start_ts, end_ts, local_day, calls, pages, duration_ms, bounced, has_order, has_cart, has_signup, source)
    SELECT max(CASE WHEN starts_session = 1 THEN seq END), visitor_key, min(ts), max(ts),
      max(CASE WHEN starts_session = 1 THEN local_day END), count(*), sum(CASE WHEN is_page THEN 1 ELSE 0 END),
      ${f.epochMs(sql`max(ts)`)} - ${f.epochMs(sql`min(ts)`)},
      count(*) = 1 AND sum(CASE WHEN is_page THEN 1 ELSE 0 END) = 1,
      ${f.anyTrue(sql`event_code = ${code(eventName.orderCompleted)}`)},
      ${f.anyTrue(sql`event_code IN (${code(eventName.productAdded)}, ${code(eventName.checkoutStarted)})`)},
      ${f.anyTrue(sql`event_code = ${code(eventName.signedUp)}`)},
      coalesce(max(CASE WHEN starts_session = 1 THEN source_hint END), ${DIRECT_SOURCE})
    FROM session_calls GROUP BY visitor_key, session_number`);
  await tx.run(sql`INSERT INTO session_orders (session_id, visitor_key, order_id)
    SELECT DISTINCT s.session_id, c.visitor_key, c.order_id
    FROM session_calls c JOIN sessions s ON s.visitor_key = c.visitor_key AND c.ts >= s.start_ts AND c.ts <= s.end_ts
    WHERE c.order_id IS NOT NULL`);
  await tx.run(sql`DROP TABLE session_calls`);
  if (scope.kind === 'affected') {
    await tx.run(sql`DROP TABLE session_redo`);
    await tx.run(sql`DROP TABLE sessions_gone`);
  }
  return inserted;
}

/** Per visitor in scope: the first session (new visitors) and the number of sessions. */
export async function buildVisitorFacts(tx: StoreTx, scope: RefreshScope): Promise<number> {
  if (scope.kind === 'affected') await tx.run(sql`DELETE FROM visitor_facts WHERE ${keyInScope(scope, sql`visitor_key`)}`);
  return tx.run(sql`INSERT INTO visitor_facts (visitor_key, first_session_ts, local_day, sessions)
    SELECT visitor_key, min(start_ts), min(local_day), count(*) FROM sessions WHERE ${keyInScope(scope, sql`visitor_key`)} GROUP BY visitor_key`);
}
