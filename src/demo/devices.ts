/** The browsers a person visits from. Each has its own anonymous id, which is what identity resolution must stitch together. */
import { ipBlocks } from './geography.js';
import type { Rng } from './random.js';

export type DeviceKind = 'desktop' | 'mobile' | 'tablet';

export interface Device {
  anonymousId: string;
  kind: DeviceKind;
  userAgent: string;
  /** Home broadband keeps its address; a phone gets a new one on most visits. */
  ip: string;
  /** The device's first possible use. */
  fromMs: number;
  /** Someone else's device (a household tablet): not this person's identifier in the truth. */
  borrowed: boolean;
  loggedIn: boolean;
  /** Has seen the running experiment. */
  exposed: boolean;
}

const userAgents: Readonly<Record<DeviceKind, readonly string[]>> = {
  desktop: [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  ],
  mobile: [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Mobile Safari/537.36',
  ],
  tablet: [
    'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36',
  ],
};

export function randomIp(rng: Rng): string {
  return `${rng.pick(ipBlocks)}.${rng.int(1, 254)}`;
}

export function makeDevice(rng: Rng, anonymousId: string, kind: DeviceKind, fromMs: number, borrowed = false): Device {
  return { anonymousId, kind, userAgent: rng.pick(userAgents[kind]), ip: randomIp(rng), fromMs, borrowed, loggedIn: false, exposed: false };
}

export function drawDeviceKind(rng: Rng): DeviceKind {
  return rng.weighted([['desktop', 45], ['mobile', 48], ['tablet', 7]] as const);
}
