/**
 * What the shop's email tool reports back for one subscriber: deliveries, opens, clicks, bounces and
 * unsubscribes, sent server-side with the userId only. Clicks become visits to the site.
 */
import { abandonedCartEmail, welcomeEmail, type EmailCampaign, type TriggeredEmail } from './campaigns.js';
import type { MessageBuilder } from './messages.js';
import type { Rng } from './random.js';
import type { DemoMessage, MessageContext } from './records.js';
import { DAY_MS, MINUTE_MS, SECOND_MS } from './time.js';
import { emailTouch, type Touch } from './traffic.js';

export const serverContext: MessageContext = { library: { name: 'analytics-node', version: '2.1.2' } };

export interface Subscriber {
  userId: string;
  signUpMs: number;
  /** Planned order times, for the win-back audience. */
  purchaseTimes: readonly number[];
  /** Visits that left a cart behind while the shop knew who the visitor was. */
  abandonedCartTimes: readonly number[];
  /** Chance to open a given email. */
  engagement: number;
  /** The address bounces: the first send fails and the tool stops sending. */
  bouncing: boolean;
}

export interface EmailActivity {
  events: DemoMessage[];
  /** Visits that start from a click. */
  visits: { ms: number; touch: Touch }[];
}

interface Send {
  ms: number;
  email: TriggeredEmail;
  triggered: boolean;
}

function isLapsed(purchaseTimes: readonly number[], ms: number): boolean {
  let last = -Infinity;
  for (const t of purchaseTimes) if (t < ms && t > last) last = t;
  return last > -Infinity && ms - last > 120 * DAY_MS;
}

function sendsFor(subscriber: Subscriber, campaigns: readonly EmailCampaign[], rng: Rng): Send[] {
  const sends: Send[] = [{ ms: subscriber.signUpMs + rng.between(2, 15) * MINUTE_MS, email: welcomeEmail, triggered: true }];
  for (const campaign of campaigns) {
    if (campaign.sendMs < subscriber.signUpMs + DAY_MS) continue;
    if (campaign.audience === 'lapsed' && !isLapsed(subscriber.purchaseTimes, campaign.sendMs)) continue;
    sends.push({ ms: campaign.sendMs + rng.exponential(25) * MINUTE_MS, email: campaign, triggered: false });
  }
  let lastReminder = -Infinity;
  for (const t of subscriber.abandonedCartTimes) {
    // The tool sends at most one reminder a week.
    if (t < subscriber.signUpMs || t - lastReminder < 7 * DAY_MS) continue;
    lastReminder = t;
    sends.push({ ms: t + rng.between(2, 4) * 60 * MINUTE_MS, email: abandonedCartEmail, triggered: true });
  }
  return sends.sort((a, b) => a.ms - b.ms);
}

/** Plays out every send to one subscriber until they unsubscribe or the address bounces. */
export function emailActivity(subscriber: Subscriber, campaigns: readonly EmailCampaign[], untilMs: number, rng: Rng, builder: MessageBuilder): EmailActivity {
  const activity: EmailActivity = { events: [], visits: [] };
  const who = { userId: subscriber.userId };
  const emit = (ms: number, event: string, properties: Record<string, unknown>): void => {
    if (ms < untilMs) activity.events.push(builder.track(Math.round(ms), who, serverContext, event, properties));
  };
  for (const send of sendsFor(subscriber, campaigns, rng)) {
    if (send.ms >= untilMs) break;
    const properties = { email_id: send.email.email_id, campaign_id: send.email.campaign_id, campaign_name: send.email.campaign_name, email_subject: send.email.subject };
    if (subscriber.bouncing) {
      emit(send.ms, 'Email Bounced', properties);
      break;
    }
    emit(send.ms, 'Email Delivered', properties);
    const openChance = Math.min(0.95, subscriber.engagement * (send.triggered ? 1.5 : 1));
    let last = send.ms;
    if (rng.chance(openChance)) {
      last += rng.exponential(5 * 60) * MINUTE_MS;
      emit(last, 'Email Opened', properties);
      if (rng.chance(send.triggered ? 0.4 : 0.25)) {
        last += (5 + rng.exponential(120)) * SECOND_MS;
        emit(last, 'Email Link Clicked', { ...properties, link_url: send.email.link_url });
        if (rng.chance(0.85)) activity.visits.push({ ms: last + rng.between(3, 20) * SECOND_MS, touch: emailTouch(send.email.utm, send.email.link_url) });
      }
    }
    // People who never open are the ones who eventually unsubscribe.
    if (!send.triggered && rng.chance(0.002 + 0.006 * (1 - subscriber.engagement))) {
      emit(last + rng.exponential(20) * MINUTE_MS, 'Unsubscribed', { email_id: send.email.email_id, campaign_id: send.email.campaign_id, campaign_name: send.email.campaign_name });
      break;
    }
  }
  return activity;
}
