/**
 * The fact tables `refreshFacts` owns (their definitions are in store/schema.ts, migration 2).
 * A full rebuild empties these; the key dictionaries and benchmarks survive it, so keys stay stable.
 */
export const rebuiltFactTables = [
  'event_facts',
  'orders',
  'order_refunds',
  'order_items',
  'sessions',
  'session_orders',
  'visitor_facts',
  'customer_orders',
  'customer_country',
  'customer_name',
  'email_sends',
  'fact_customer_map',
] as const;

/** Track events the facts read by name (events.md). */
export const eventName = {
  orderCompleted: 'Order Completed',
  orderRefunded: 'Order Refunded',
  orderCancelled: 'Order Cancelled',
  productAdded: 'Product Added',
  checkoutStarted: 'Checkout Started',
  signedUp: 'Signed Up',
  emailDelivered: 'Email Delivered',
  emailOpened: 'Email Opened',
  emailClicked: 'Email Link Clicked',
  surveyResponded: 'Survey Responded',
} as const;

/** A session ends after a gap of more than this (events.md). */
export const sessionGapMinutes = 30;

/** `context.library.name` of Segment's server-side libraries (RudderStack's Node SDK names itself analytics-node too): their track calls make no sessions. */
export const serverLibraries = [
  'analytics-node',
  '@segment/analytics-node',
  'analytics-python',
  'analytics-ruby',
  'analytics-go',
  'analytics-java',
  'analytics-php',
  'analytics.NET',
  'analytics-dotnet',
  'rudder-sdk-python',
] as const;
