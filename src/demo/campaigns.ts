/** The shop's email programme: monthly newsletters, sales, win-back sends, and two triggered flows. */
import { blackFriday } from './season.js';
import { DAY_MS, HOUR_MS, nthWeekday } from './time.js';

export interface EmailCampaign {
  campaign_id: string;
  campaign_name: string;
  email_id: string;
  subject: string;
  /** When the send starts; deliveries trickle out over the following minutes. */
  sendMs: number;
  /** `lapsed`: buyers whose last order is over 120 days old. */
  audience: 'subscribers' | 'lapsed';
  /** The UTM campaign that its links carry. */
  utm: string;
  link_url: string;
}

/** A flow the shop's email tool sends on its own, keyed to what a person did. */
export interface TriggeredEmail {
  campaign_id: string;
  campaign_name: string;
  email_id: string;
  subject: string;
  utm: string;
  link_url: string;
}

const shopUrl = 'https://shop.example.com';

function link(path: string, utm: string): string {
  return `${shopUrl}${path}?utm_source=newsletter&utm_medium=email&utm_campaign=${utm}`;
}

export const welcomeEmail: TriggeredEmail = {
  campaign_id: 'cmp_welcome',
  campaign_name: 'Welcome series',
  email_id: 'em_welcome_1',
  subject: 'Welcome to Tessera Outfitters',
  utm: 'welcome',
  link_url: link('/collections/new', 'welcome'),
};

export const abandonedCartEmail: TriggeredEmail = {
  campaign_id: 'cmp_abandoned_cart',
  campaign_name: 'Abandoned cart reminder',
  email_id: 'em_abandoned_cart_1',
  subject: 'You left something in your cart',
  utm: 'abandoned_cart',
  link_url: link('/cart', 'abandoned_cart'),
};

const monthNames = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Every scheduled send between the two instants, in send order. */
export function planCampaigns(startMs: number, endMs: number): EmailCampaign[] {
  const campaigns: EmailCampaign[] = [];
  const add = (sendMs: number, slug: string, name: string, subject: string, audience: EmailCampaign['audience'], path: string): void => {
    if (sendMs < startMs || sendMs >= endMs) return;
    campaigns.push({
      campaign_id: `cmp_${slug}`,
      campaign_name: name,
      email_id: `em_${slug}`,
      subject,
      sendMs,
      audience,
      utm: slug,
      link_url: link(path, slug),
    });
  };
  const first = new Date(startMs);
  for (let m = 0; ; m++) {
    const year = first.getUTCFullYear() + Math.floor((first.getUTCMonth() + m) / 12);
    const month = (first.getUTCMonth() + m) % 12;
    if (Date.UTC(year, month, 1) >= endMs) break;
    const mm = String(month + 1).padStart(2, '0');
    const monthName = monthNames[month] ?? '';
    // 10:00 in New York on the first Tuesday: when the shop's newsletters go out.
    add(Date.UTC(year, month, nthWeekday(year, month, 2, 1), 15), `${year}_${mm}_newsletter`, `${monthName} ${year} Newsletter`, `New this ${monthName}`, 'subscribers', '/collections/new');
    if (month === 3) add(Date.UTC(year, 3, 1, 13), `${year}_spring_sale`, `Spring Sale ${year}`, '15% off everything until the 14th', 'subscribers', '/sale');
    if (month % 3 === 2) add(Date.UTC(year, month, 15, 16), `${year}_${mm}_winback`, `Win-back ${monthName} ${year}`, 'We miss you: here is what is new', 'lapsed', '/collections/bestsellers');
    if (month === 10) {
      const bf = blackFriday(year);
      add(bf - DAY_MS + 13 * HOUR_MS, `${year}_bfcm_early`, `Black Friday Early Access ${year}`, 'Early access: 25% off with BFCM25', 'subscribers', '/sale');
      add(bf + 3 * DAY_MS + 12 * HOUR_MS, `${year}_cyber_monday`, `Cyber Monday ${year}`, 'Last chance: 25% off ends tonight', 'subscribers', '/sale');
    }
    if (month === 11) add(Date.UTC(year, 11, 3, 14), `${year}_gift_guide`, `Holiday Gift Guide ${year}`, 'Gifts for everyone who goes outside', 'subscribers', '/collections/gifts');
  }
  return campaigns.sort((a, b) => a.sendMs - b.sendMs);
}
