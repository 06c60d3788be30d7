/** Places a person's planned visits on the clock and renders them in order. */
import type { Category, Product } from './catalog.js';
import type { Device } from './devices.js';
import type { Rng } from './random.js';
import { renderSession, type RenderState, type SessionKind, type SessionPlan } from './session-render.js';
import { MINUTE_MS } from './time.js';

/** A visit no gap of which exceeds 30 minutes is one session; keep planned visits further apart than that. */
const SESSION_GAP_MS = 31 * MINUTE_MS;

function isEssential(session: SessionPlan): boolean {
  return session.kind === 'purchase' || session.signUp === true;
}

const deviceWeights = {
  purchase: { desktop: 3, mobile: 2, tablet: 1 },
  other: { desktop: 2, mobile: 3, tablet: 1.5 },
} as const;

function chooseDevice(state: RenderState, session: SessionPlan, ms: number): Device {
  const first = state.devices[0];
  if (!first) throw new Error('a person needs a device');
  if (session.device !== null) {
    const fixed = state.devices[session.device];
    return fixed && fixed.fromMs <= ms ? fixed : first;
  }
  const available = state.devices.filter((d) => d.fromMs <= ms);
  // A household tablet gets used as soon as it is there; that is the trap being planted.
  const borrowed = available.find((d) => d.borrowed && !d.loggedIn);
  if (borrowed && state.signUpMs !== null && !session.signUp) return borrowed;
  const weights = session.kind === 'purchase' ? deviceWeights.purchase : deviceWeights.other;
  return state.rng.weighted(available.map((d) => [d, weights[d.kind] * (d.borrowed ? 2 : 1)] as const));
}

/**
 * Renders the visits in time order. A visit planned too close to the previous one is dropped, or,
 * if an order or a sign-up happens in it, pushed back; nothing starts at or after `horizonMs`.
 */
export function renderTimeline(state: RenderState, sessions: SessionPlan[], horizonMs: number): void {
  const ordered = sessions.map((s, i) => [s, i] as const).sort((a, b) => a[0].startMs - b[0].startMs || a[1] - b[1]);
  let lastEnd = -Infinity;
  for (const [session] of ordered) {
    let start = session.startMs;
    if (start < lastEnd + SESSION_GAP_MS) {
      if (!isEssential(session)) continue;
      start = lastEnd + SESSION_GAP_MS + Math.round(state.rng.exponential(20) * MINUTE_MS);
    }
    if (start >= horizonMs) continue;
    lastEnd = renderSession(state, session, chooseDevice(state, session, start), Math.round(start));
  }
}

export type SessionMix = readonly (readonly [SessionKind, number])[];

/** A mix of visit kinds, written as an object for reading and kept as pairs for drawing. */
export function sessionMix(weights: Readonly<Partial<Record<SessionKind, number>>>): SessionMix {
  return Object.entries(weights).map(([kind, w]) => [kind as SessionKind, w ?? 0] as const);
}

/** Picks products the way this person browses: popular categories, near their price level. */
export function productPicker(rng: Rng, catalog: readonly Category[], priceTaste: number): () => Product {
  const weights = catalog.map((c) => [c, c.weight] as const);
  return () => {
    const category = rng.weighted(weights);
    const u = 1 / (1 + Math.exp(-1.7 * (0.6 * priceTaste + 0.8 * rng.normal())));
    const product = category.products[Math.min(category.products.length - 1, Math.floor(u * category.products.length))];
    if (!product) throw new Error(`empty category ${category.category}`);
    return product;
  };
}
