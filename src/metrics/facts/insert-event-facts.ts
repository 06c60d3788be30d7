import { ident, raw, sql, type Dialect, type Sql, type StoreTx } from '../../store/index.js';
import { engineFunctions } from '../sql/engine-functions.js';
import { inList } from '../sql/in-list.js';
import { eventName, serverLibraries } from './fact-tables.js';
import { MessagePaths } from './message-paths.js';
import { sessionSourceHint } from './traffic-source.js';

const webTypes = ['page', 'screen', 'track'];
const pageTypes = ['page', 'screen'];
const emailEvents = [eventName.emailDelivered, eventName.emailOpened, eventName.emailClicked];

/**
 * The narrow, typed row of each event that KPIs read, keyed by its resolved customer (from the
 * temp table `resolved (seq, customer_id)`) and dated by its local day in the reporting zone.
 * JSON is read here once per event, so no KPI query parses a message.
 */
export function insertEventFacts(d: Dialect, resolved: string, timezone: string): Sql {
  const f = engineFunctions(d);
  const m = new MessagePaths(d);
  // A track call sent by a back end (emails, surveys, tickets through a server library) is not a
  // visit: only calls from client libraries, or from sources that do not say, make sessions.
  const library = m.text(['context', 'library', 'name']);
  const web = sql`(${inList(raw('e.type'), webTypes)} AND coalesce(e.channel, '') NOT IN (${'import'}, ${'server'})
    AND (e.type <> ${'track'} OR ${library} IS NULL OR ${library} NOT IN (SELECT unnest(${[...serverLibraries]}))))`;
  const country = sql`upper(coalesce(
      CASE WHEN e.type = ${'identify'} THEN coalesce(${m.text(['traits', 'address', 'country'])}, ${m.text(['traits', 'country'])}) END,
      ${m.text(['context', 'traits', 'address', 'country'])},
      ${m.text(['context', 'location', 'country'])}))`;
  // What an identify call gives of the name, each part from its traits, else from context.traits (as
  // RudderStack's SDKs send it): the profile folds these parts, latest by time, into the name it shows.
  const namePart = (key: string) =>
    sql`CASE WHEN e.type = ${'identify'} THEN coalesce(nullif(${m.text(['traits', key])}, ''), nullif(${m.text(['context', 'traits', key])}, '')) END`;
  const isSurvey = sql`e.event = ${eventName.surveyResponded}`;
  const columns = sql`e.seq, e.ts, ${d.localDate(raw('e.ts'), timezone)}, k.key, e.type, en.code,
      ${web}, ${inList(raw('e.type'), pageTypes)},
      CASE WHEN ${web} THEN ${sessionSourceHint(f, m)} END,
      ${country},
      CASE WHEN e.event = ${eventName.orderCompleted} THEN e.order_id END,
      CASE WHEN ${inList(raw('e.event'), emailEvents)} THEN coalesce(${m.text(['properties', 'email_id'])}, ${m.text(['properties', 'campaign_id'])}) END,
      CASE WHEN ${isSurvey} THEN lower(${m.text(['properties', 'survey_type'])}) END,
      CASE WHEN ${isSurvey} THEN ${f.tryNumber(m.raw(['properties', 'score']))} END,
      ${namePart('name')}, ${namePart('first_name')}, ${namePart('last_name')}`;
  return sql`INSERT INTO event_facts (seq, ts, local_day, customer_key, type, event_code, web, is_page, source_hint, country, order_id, email_id, survey_type, score, name, first_name, last_name)
    SELECT ${columns}
    FROM (SELECT r.customer_id, e.seq, e.ts, e.type, e.event, e.channel, e.order_id, ${d.jsonTexts(raw('e.message'), m.paths)} AS j
      FROM ${ident(resolved)} r JOIN events e ON e.seq = r.seq) e
    JOIN customer_keys k ON k.id = e.customer_id
    LEFT JOIN event_names en ON en.name = e.event`;
}

/** Re-keys event facts (and the orders and items dated by them) whose events now resolve to another customer. */
export async function rekeyEventFacts(tx: StoreTx, resolved: string): Promise<number> {
  await tx.run(sql`CREATE OR REPLACE TEMP TABLE rekeyed AS
    SELECT r.seq, k.key AS new_key, ef.customer_key AS old_key
    FROM ${ident(resolved)} r JOIN customer_keys k ON k.id = r.customer_id JOIN event_facts ef ON ef.seq = r.seq
    WHERE ef.customer_key <> k.key`);
  // Events moved between customers at any time of their history: both sides are redone whole (from_ts NULL).
  await tx.run(sql`INSERT INTO affected_keys SELECT k, NULL FROM (SELECT old_key AS k FROM rekeyed UNION SELECT new_key FROM rekeyed)`);
  const changed = await tx.run(sql`UPDATE event_facts SET customer_key = rekeyed.new_key FROM rekeyed WHERE event_facts.seq = rekeyed.seq`);
  await tx.run(sql`UPDATE orders SET customer_key = rekeyed.new_key FROM rekeyed WHERE orders.seq = rekeyed.seq`);
  await tx.run(sql`UPDATE order_items SET customer_key = orders.customer_key FROM orders
    WHERE order_items.order_id = orders.order_id AND order_items.customer_key <> orders.customer_key`);
  await tx.run(sql`DROP TABLE rekeyed`);
  return changed;
}
