/**
 * Turns a planned visit into the page and track calls analytics.js would send: the landing page
 * with its campaign and referrer, product views, cart, checkout, and the identify calls of a
 * sign-up or a log-in, at human pauses between calls.
 */
import type { Product } from './catalog.js';
import { messyEmail, messyPhone } from './contact.js';
import { randomIp, type Device } from './devices.js';
import { isRunning } from './experiment.js';
import { uuidFrom } from './ids.js';
import type { MessageBuilder } from './messages.js';
import { orderCompletedProperties, productProperties, toMajor, type PlannedOrder } from './orders.js';
import type { PersonPlan } from './person-plan.js';
import type { LineItem } from './purchases.js';
import type { Rng } from './random.js';
import type { DemoMessage, MessageContext, MessageIdentity, PageContext } from './records.js';
import { SECOND_MS } from './time.js';
import type { Touch } from './traffic.js';
import type { GarbageKind, World } from './world.js';

export type SessionKind = 'bounce' | 'browse' | 'cart' | 'checkout' | 'signup' | 'purchase';

export interface SessionPlan {
  startMs: number;
  kind: SessionKind;
  touch: Touch;
  /** Index into the person's devices; null lets the renderer choose among those in use by then. */
  device: number | null;
  order?: PlannedOrder;
  /** The person creates an account in this visit. */
  signUp?: boolean;
}

/** What carries over from one visit of a person to the next. */
export interface RenderState {
  world: World;
  plan: PersonPlan;
  rng: Rng;
  builder: MessageBuilder;
  events: DemoMessage[];
  devices: Device[];
  treatment: boolean;
  signUpMs: number | null;
  currentEmail: string;
  /** The person moves their account to their work address at the first logged-in visit after this. */
  emailChangeMs: number | null;
  garbage: GarbageKind | null;
  pickProduct: () => Product;
}

const shopUrl = 'https://shop.example.com';
const shopName = 'Tessera Outfitters';
const library = { name: 'analytics.js', version: 'next-1.70.0' };
const blogPosts = ['how-to-layer-for-winter', 'choosing-a-daypack', 'rain-gear-guide', 'trail-running-starter-kit', 'packing-list-weekend-hike'];

/** The page's name: the product's for a product page, else its last path segment in words. */
function nameOf(path: string): string {
  if (path === '/') return shopName;
  const last = path.split('/').filter(Boolean).pop() ?? '';
  const words = last.replace(/-/g, ' ');
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

function landingPath(rng: Rng, touch: Touch, product: Product): string {
  const landing = touch.landing;
  if (typeof landing === 'object') return landing.path;
  switch (landing) {
    case 'home':
      return '/';
    case 'product':
      return `/products/${product.slug}`;
    case 'collection':
      return `/collections/${product.category}`;
    case 'blog':
      return `/blog/${rng.pick(blogPosts)}`;
    case 'sale':
      return '/sale';
  }
}

function campaignQuery(touch: Touch, rng: Rng): string {
  if (!touch.campaign) return '';
  const { source, medium, name } = touch.campaign;
  const click = source === 'google' ? `&gclid=${rng.uint32().toString(36)}${rng.uint32().toString(36)}` : source === 'facebook' ? `&fbclid=${rng.uint32().toString(36)}` : '';
  return `?utm_source=${source}&utm_medium=${medium}&utm_campaign=${name}${click}`;
}

/** One visit in progress: the clock, the current page, who the calls are from. */
class Visit {
  private page: PageContext | undefined;
  private callContext: MessageContext;
  readonly cartId: string;

  constructor(
    private readonly state: RenderState,
    private readonly device: Device,
    private readonly base: MessageContext,
    public t: number,
    private readonly touch: Touch,
  ) {
    const rng = state.rng;
    this.cartId = uuidFrom(rng.uint32(), rng.uint32(), rng.uint32(), rng.uint32());
    this.callContext = base;
  }

  who(): MessageIdentity {
    return this.device.loggedIn ? { anonymousId: this.device.anonymousId, userId: this.state.plan.userId } : { anonymousId: this.device.anonymousId };
  }

  pause(meanSeconds: number): void {
    this.t += Math.round((2 + this.state.rng.exponential(meanSeconds)) * SECOND_MS);
  }

  /**
   * Page calls carry the page in their properties, track and identify calls in the context. The
   * landing page's calls also carry its UTM campaign and referrer. One context object serves all
   * calls on a page, as a page's calls share it.
   */
  view(path: string, query = '', name = nameOf(path)): void {
    const previous = this.page;
    const referrer = previous ? previous.url : (this.touch.referrer ?? '');
    const page: PageContext = { path, url: `${shopUrl}${path}${query}`, title: name === shopName ? shopName : `${name} | ${shopName}`, referrer, ...(query ? { search: query } : {}) };
    const landing: Partial<MessageContext> = {};
    if (!previous && this.touch.campaign) landing.campaign = this.touch.campaign;
    if (!previous && this.touch.referrer) landing.referrer = { type: 'link', url: this.touch.referrer };
    this.page = page;
    this.callContext = { ...this.base, page, ...landing };
    this.state.events.push(this.state.builder.page(this.t, this.who(), { ...this.base, ...landing }, name, page));
  }

  track(event: string, properties: Record<string, unknown>, who: MessageIdentity = this.who()): void {
    this.t += Math.round(this.state.rng.between(0.3, 1.5) * SECOND_MS);
    this.state.events.push(this.state.builder.track(this.t, who, this.callContext, event, properties));
  }

  identify(traits: Record<string, unknown>, who: MessageIdentity = this.who()): void {
    this.t += Math.round(this.state.rng.between(0.2, 1) * SECOND_MS);
    this.state.events.push(this.state.builder.identify(this.t, who, this.callContext, traits));
  }

  alias(): void {
    this.t += Math.round(this.state.rng.between(0.2, 1) * SECOND_MS);
    this.state.events.push(this.state.builder.alias(this.t, this.device.anonymousId, this.state.plan.userId, this.callContext));
  }
}

function viewProduct(visit: Visit, product: Product, state: RenderState, currency: string): void {
  visit.pause(40);
  visit.view(`/products/${product.slug}`, '', product.name);
  visit.track('Product Viewed', { ...productProperties({ product, quantity: 1, price: product.prices[state.plan.country.currency] }), currency });
}

function addToCart(visit: Visit, line: LineItem, currency: string): void {
  visit.pause(25);
  visit.track('Product Added', { cart_id: visit.cartId, ...productProperties(line), currency });
}

function signUpTraits(state: RenderState): Record<string, unknown> {
  const { plan, rng } = state;
  const traits: Record<string, unknown> = {
    email: messyEmail(rng, state.currentEmail),
    first_name: plan.firstName,
    last_name: plan.lastName,
  };
  if (plan.phone && rng.chance(0.7)) traits.phone = messyPhone(rng, plan.phone);
  if (rng.chance(0.8)) traits.gender = plan.gender;
  if (rng.chance(0.5)) traits.birthday = plan.birthday;
  if (rng.chance(0.75)) traits.address = { city: plan.city.name, country: plan.country.code };
  return traits;
}

/** Account creation: identify with the profile, then the `Signed Up` event, sometimes an alias first (older integrations). */
function signUp(visit: Visit, state: RenderState, device: Device, atCheckout: boolean): void {
  if (!atCheckout) {
    visit.pause(30);
    visit.view('/account/register');
  }
  visit.pause(45);
  device.loggedIn = true;
  state.signUpMs = visit.t;
  if (state.rng.chance(0.2)) visit.alias();
  visit.identify(signUpTraits(state));
  visit.track('Signed Up', { method: state.rng.chance(0.8) ? 'email' : 'google' });
  // The buggy client of a few people sends placeholders right after sign-up.
  if (state.garbage === 'user-and-email') visit.identify({ email: 'test@test.com' }, { anonymousId: device.anonymousId, userId: 'undefined' });
  if (state.garbage === 'user') {
    const product = state.pickProduct();
    const currency = state.plan.country.currency;
    visit.track('Product Viewed', { ...productProperties({ product, quantity: 1, price: product.prices[currency] }), currency }, { anonymousId: device.anonymousId, userId: 'undefined' });
  }
  if (state.garbage === 'email') visit.identify({ email: 'test@test.com' });
}

function logIn(visit: Visit, state: RenderState, device: Device): void {
  visit.pause(20);
  visit.view('/account/login');
  visit.pause(15);
  device.loggedIn = true;
  visit.identify(state.rng.chance(0.5) ? { email: messyEmail(state.rng, state.currentEmail) } : {});
}

function webContext(state: RenderState, device: Device): MessageContext {
  const { plan, rng } = state;
  return {
    library,
    ip: device.kind === 'mobile' && rng.chance(0.7) ? randomIp(rng) : device.ip,
    locale: plan.country.locale,
    userAgent: device.userAgent,
    location: { country: plan.country.code },
  };
}

/** Renders one visit into state.events; returns when its last call happened. */
export function renderSession(state: RenderState, session: SessionPlan, device: Device, startMs: number): number {
  const { rng, world, plan } = state;
  const currency = plan.country.currency;
  const visit = new Visit(state, device, webContext(state, device), startMs, session.touch);
  const landingProduct = session.order?.items[0]?.product ?? state.pickProduct();
  const path = landingPath(rng, session.touch, landingProduct);
  visit.view(path, campaignQuery(session.touch, rng), path.startsWith('/products/') ? landingProduct.name : nameOf(path));
  // A bounce is one page call: the visitor leaves before anything else fires.
  if (session.kind === 'bounce') return visit.t;
  if (path.startsWith('/products/')) visit.track('Product Viewed', { ...productProperties({ product: landingProduct, quantity: 1, price: landingProduct.prices[currency] }), currency });

  const experiment = world.experiment;
  if (isRunning(experiment, visit.t) && !device.exposed) {
    device.exposed = true;
    const variation = state.treatment ? experiment.treatment : experiment.control;
    visit.track('Experiment Viewed', { experiment_id: experiment.experiment_id, experiment_name: experiment.experiment_name, ...variation });
  }

  if (state.signUpMs !== null && !device.loggedIn && !session.signUp) logIn(visit, state, device);
  if (state.emailChangeMs !== null && visit.t >= state.emailChangeMs && device.loggedIn) {
    state.currentEmail = plan.workEmail;
    state.emailChangeMs = null;
    visit.pause(30);
    visit.view('/account/settings');
    visit.identify({ email: messyEmail(rng, state.currentEmail) });
  }
  if (session.signUp && session.kind !== 'purchase') signUp(visit, state, device, false);

  const lines: LineItem[] = session.order?.items ?? [];
  if (session.kind === 'purchase') {
    for (const line of lines) if (path !== `/products/${line.product.slug}`) viewProduct(visit, line.product, state, currency);
  } else {
    const views = 1 + rng.geometric(1.6);
    for (let i = 0; i < views; i++) viewProduct(visit, state.pickProduct(), state, currency);
  }
  if (session.kind === 'browse' || session.kind === 'signup') return visit.t;

  const cart: LineItem[] = session.kind === 'purchase' ? lines : [{ product: state.pickProduct(), quantity: 1, price: 0 }];
  for (const line of cart) addToCart(visit, { ...line, price: line.price || line.product.prices[currency] }, currency);
  // Some carts are emptied again before the visitor leaves.
  const removed = session.kind === 'cart' && rng.chance(0.15) ? cart.splice(0, 1)[0] : undefined;
  if (removed) visit.track('Product Removed', { cart_id: visit.cartId, ...productProperties({ ...removed, price: removed.product.prices[currency] }), currency });
  const products = cart.map((line) => productProperties({ ...line, price: line.price || line.product.prices[currency] }));
  visit.pause(20);
  visit.view('/cart');
  visit.track('Cart Viewed', { cart_id: visit.cartId, products });
  if (session.kind === 'cart') return visit.t;

  visit.pause(30);
  visit.view('/checkout');
  const order = session.order;
  const value = order ? toMajor(order.subtotal) : products.reduce((sum, p) => sum + Number(p.price) * Number(p.quantity), 0);
  visit.track('Checkout Started', { ...(order ? { order_id: order.order_id } : {}), cart_id: visit.cartId, value: Math.round(value * 100) / 100, currency, products });
  if (!order) return visit.t;

  if (session.signUp) signUp(visit, state, device, true);
  visit.pause(90);
  visit.track('Order Completed', orderCompletedProperties(order, visit.cartId));
  order.ms = visit.t;
  order.placed = true;
  order.email = state.currentEmail;
  visit.pause(3);
  visit.view('/checkout/thank-you');
  return visit.t;
}
