/**
 * What happens after checkout: cancellations, refunds (full and partial), support tickets, and the
 * satisfaction surveys that follow them. Unhappier people (those likelier to drop out) score lower.
 */
import { serverContext } from './email-events.js';
import { base36, idSpace, permute, spaceKey } from './ids.js';
import type { MessageBuilder } from './messages.js';
import { productProperties, toMajor, type PlannedOrder } from './orders.js';
import type { Rng } from './random.js';
import type { DemoMessage } from './records.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './time.js';

export interface AfterSalesInput {
  seed: number;
  personIndex: number;
  /** Server-side events need the account; a guest's orders only change status. */
  userId: string | null;
  /** 0 (miserable) to 1 (delighted). */
  happiness: number;
  untilMs: number;
}

type SurveyType = 'nps' | 'csat' | 'ces';

const scales: Readonly<Record<SurveyType, { min: number; max: number; outOfRange: readonly number[] }>> = {
  nps: { min: 0, max: 10, outOfRange: [11, -1, 100] },
  csat: { min: 1, max: 5, outOfRange: [0, 6, 10] },
  ces: { min: 1, max: 7, outOfRange: [0, 8, 9] },
};

const comments = {
  good: ['Fast shipping, great quality.', 'Love the fit.', 'Will order again!', 'Support was really helpful.'],
  bad: ['Took too long to arrive.', 'Sizing runs small.', 'Refund was slow.', 'Had to contact support twice.'],
} as const;

/** A score on the survey's scale around the person's mood; a few come from a buggy widget and fall outside it. */
export function surveyScore(rng: Rng, type: SurveyType, mood: number): number {
  const scale = scales[type];
  if (rng.chance(0.006)) return rng.pick(scale.outOfRange);
  const centre = scale.min + (scale.max - scale.min) * (0.35 + 0.6 * mood);
  const spread = (scale.max - scale.min) / 5;
  return Math.min(scale.max, Math.max(scale.min, Math.round(rng.normal(centre, spread))));
}

function surveyProperties(rng: Rng, type: SurveyType, mood: number, extra: Record<string, unknown>): Record<string, unknown> {
  const score = surveyScore(rng, type, mood);
  const properties: Record<string, unknown> = { survey_type: type, score, ...extra };
  if (rng.chance(0.2)) properties.comment = rng.pick(mood > 0.5 ? comments.good : comments.bad);
  return properties;
}

const ticketTopics = ['shipping delay', 'wrong size', 'order status', 'payment issue', 'product question'] as const;

/** Decides each order's fate, records its status, and returns the server-side events it caused. */
export function afterSales(input: AfterSalesInput, orders: readonly PlannedOrder[], rng: Rng, builder: MessageBuilder): DemoMessage[] {
  const events: DemoMessage[] = [];
  const who = input.userId === null ? null : { userId: input.userId };
  const emit = (ms: number, event: string, properties: Record<string, unknown>): boolean => {
    if (ms >= input.untilMs) return false;
    if (who) events.push(builder.track(Math.round(ms), who, serverContext, event, properties));
    return true;
  };
  let tickets = 0;
  const ticket = (ms: number, topic: string, orderId: string, mood: number): void => {
    if (tickets >= 64) return;
    const ticketId = `TCK-${base36(permute(input.personIndex * 64 + tickets++, 32, spaceKey(input.seed, idSpace.ticket)), 7)}`;
    const channel = rng.weighted([['email', 5], ['chat', 4], ['phone', 1]] as const);
    if (!emit(ms, 'Ticket Created', { ticket_id: ticketId, channel, topic, order_id: orderId })) return;
    const resolvedMs = ms + (0.5 + rng.exponential(20)) * HOUR_MS;
    if (emit(resolvedMs, 'Ticket Resolved', { ticket_id: ticketId, channel, topic, order_id: orderId }) && rng.chance(0.35)) {
      emit(resolvedMs + rng.between(1, 48) * HOUR_MS, 'Survey Responded', surveyProperties(rng, 'ces', mood, { survey_id: 'ces_support', ticket_id: ticketId }));
    }
  };

  for (const order of orders) {
    if (!order.placed) continue;
    const amount = { order_id: order.order_id, total: toMajor(order.total), currency: order.currency };
    const fate = rng.next();
    if (fate < 0.02) {
      if (emit(order.ms + rng.between(10, 360) * MINUTE_MS, 'Order Cancelled', { ...amount, reason: rng.pick(['changed mind', 'ordered by mistake', 'found cheaper']) })) order.status = 'cancelled';
      continue;
    }
    if (fate < 0.06) {
      const asked = order.ms + rng.between(3, 20) * DAY_MS;
      if (rng.chance(0.6)) ticket(asked, 'return request', order.order_id, input.happiness * 0.6);
      if (emit(asked + rng.between(1, 6) * DAY_MS, 'Order Refunded', { ...amount, products: order.items.map(productProperties) })) order.status = 'refunded';
    } else if (fate < 0.08) {
      // A partial refund of one unit: the order stays completed with less revenue (events only; the export has no refund column).
      const line = order.items.find((l) => order.items.length > 1 || l.quantity > 1);
      if (line) {
        const share = Math.round(line.price * (order.total / Math.max(1, order.subtotal)));
        emit(order.ms + rng.between(5, 25) * DAY_MS, 'Order Refunded', { order_id: order.order_id, total: toMajor(share), currency: order.currency, products: [productProperties({ ...line, quantity: 1 })] });
      }
    }
    if (rng.chance(0.05)) ticket(order.ms + rng.between(1, 12) * DAY_MS, rng.pick(ticketTopics), order.order_id, input.happiness);
    if (order.status === 'completed' && rng.chance(0.12)) {
      emit(order.ms + rng.between(3, 10) * DAY_MS, 'Survey Responded', surveyProperties(rng, 'csat', input.happiness, { survey_id: 'csat_post_purchase', order_id: order.order_id }));
    }
  }
  return events;
}

/** Twice-yearly NPS waves to every account older than two weeks; about one in eight answers. */
export function npsResponses(input: AfterSalesInput, signUpMs: number, startMs: number, rng: Rng, builder: MessageBuilder): DemoMessage[] {
  if (input.userId === null) return [];
  const events: DemoMessage[] = [];
  const firstYear = new Date(startMs).getUTCFullYear();
  for (let year = firstYear; Date.UTC(year, 0, 1) < input.untilMs; year++) {
    for (const [month, half] of [[0, 'h1'], [6, 'h2']] as const) {
      const wave = Date.UTC(year, month, 20, 15);
      if (wave < startMs || wave < signUpMs + 14 * DAY_MS || !rng.chance(0.12)) continue;
      const ms = wave + rng.exponential(30) * HOUR_MS;
      if (ms < input.untilMs) events.push(builder.track(Math.round(ms), { userId: input.userId }, serverContext, 'Survey Responded', surveyProperties(rng, 'nps', input.happiness, { survey_id: `nps_${year}_${half}` })));
    }
  }
  return events;
}
