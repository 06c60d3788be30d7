/**
 * Where a session comes from. The first call of a session carries its source: UTM parameters in
 * `context.campaign` for paid and email traffic, else the referring page, else nothing (direct).
 */
import type { Rng } from './random.js';

export type Landing = 'home' | 'product' | 'collection' | 'blog' | 'sale' | { path: string };

export interface Touch {
  landing: Landing;
  campaign?: { source: string; medium: string; name: string };
  referrer?: string;
}

const google = 'https://www.google.com/';

/** Hosts that link to the shop; some real, the blogs and deal sites on reserved example domains. */
const referralPages = [
  'https://www.reddit.com/r/CampingGear/comments/1a2b3c/rain_shell_recommendations/',
  'https://www.reddit.com/r/onebag/',
  'https://trailreviews.example.org/best-rain-jackets',
  'https://outdoorblog.example.net/gear/daypacks',
  'https://deals.example.com/outdoor',
  'https://news.ycombinator.com/item?id=38000000',
] as const;

function searchCampaign(rng: Rng): string {
  return rng.weighted([
    ['brand_search', 3],
    ['generic_search', 3],
    ['shopping', 2],
  ] as const);
}

function socialCampaign(ms: number, retargeting: boolean): string {
  const month = new Date(ms).getUTCMonth();
  if (month >= 10) return 'holiday_sale';
  if (month === 3) return 'spring_sale';
  return retargeting ? 'retargeting' : 'prospecting';
}

function organicLanding(rng: Rng): Landing {
  return rng.weighted([
    ['product', 5],
    ['collection', 3],
    ['blog', 2],
    ['home', 1],
  ] as const);
}

/** How a first-time visitor arrives. */
export function acquisitionTouch(rng: Rng, ms: number): Touch {
  switch (rng.weighted([['organic', 28], ['cpc', 20], ['facebook', 16], ['instagram', 6], ['referral', 12], ['bing', 3], ['direct', 15]] as const)) {
    case 'organic':
      return { landing: organicLanding(rng), referrer: google };
    case 'cpc':
      return { landing: rng.chance(0.6) ? 'product' : 'collection', referrer: google, campaign: { source: 'google', medium: 'cpc', name: searchCampaign(rng) } };
    case 'facebook':
      return { landing: rng.chance(0.5) ? 'product' : 'sale', referrer: 'https://l.facebook.com/', campaign: { source: 'facebook', medium: 'paid_social', name: socialCampaign(ms, false) } };
    case 'instagram':
      return { landing: 'product', referrer: 'https://l.instagram.com/' };
    case 'referral':
      return { landing: rng.chance(0.7) ? 'product' : 'home', referrer: rng.pick(referralPages) };
    case 'bing':
      return { landing: organicLanding(rng), referrer: 'https://www.bing.com/' };
    case 'direct':
      return { landing: 'home' };
  }
}

/** How someone who has been here before comes back (email visits come from the clicks themselves). */
export function returnTouch(rng: Rng, ms: number): Touch {
  switch (rng.weighted([['direct', 40], ['organic', 22], ['cpc', 10], ['facebook', 6], ['instagram', 4], ['referral', 6], ['bing', 2]] as const)) {
    case 'direct':
      return { landing: rng.chance(0.8) ? 'home' : 'product' };
    case 'organic':
      return { landing: organicLanding(rng), referrer: google };
    case 'cpc':
      return { landing: 'product', referrer: google, campaign: { source: 'google', medium: 'cpc', name: rng.chance(0.7) ? 'brand_search' : 'shopping' } };
    case 'facebook':
      return { landing: 'product', referrer: 'https://l.facebook.com/', campaign: { source: 'facebook', medium: 'paid_social', name: socialCampaign(ms, true) } };
    case 'instagram':
      return { landing: 'product', referrer: 'https://l.instagram.com/' };
    case 'referral':
      return { landing: 'product', referrer: rng.pick(referralPages) };
    case 'bing':
      return { landing: organicLanding(rng), referrer: 'https://www.bing.com/' };
  }
}

/** A visit from a link in an email; the mail client adds no referrer. */
export function emailTouch(utm: string, linkUrl: string): Touch {
  const path = new URL(linkUrl).pathname;
  return { landing: { path }, campaign: { source: 'newsletter', medium: 'email', name: utm } };
}
