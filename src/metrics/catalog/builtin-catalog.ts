import type { ActivationSettings } from '../config/metrics-config.js';
import type { MetricDefinitionInput } from './metric-definition.js';
import type { MeasureInput } from './measure.js';

/*
 * The KPI catalog of ../shared/spec/metrics.md, as data. Each entry is compiled to SQL by
 * query/compile-metric.ts; nothing here is code that computes a number. Custom KPIs in the
 * config take exactly this form.
 */

const orders: MeasureInput = { source: 'orders', aggregate: 'count' };
const revenue: MeasureInput = { source: 'orders', aggregate: 'sum', field: 'revenue' };
const orderingCustomers: MeasureInput = { source: 'orders', aggregate: 'count_distinct', field: 'customer' };
const sessions: MeasureInput = { source: 'sessions', aggregate: 'count' };
const visitors: MeasureInput = { source: 'sessions', aggregate: 'count_distinct', field: 'visitor' };
const customersInPrevious: MeasureInput = { ...orderingCustomers, window: 'previous_period' };
const responses: MeasureInput = { source: 'survey_responses', aggregate: 'count' };
const delivered: MeasureInput = { source: 'email_sends', aggregate: 'count' };

const survey = (type: string, min: number, max: number) => ({
  filters: [{ field: 'survey_type', op: 'eq' as const, value: type }],
  valid: [{ field: 'score', op: 'between' as const, min, max }],
  dropReason: `${type} score missing or outside its scale ${min}–${max}`,
});

/** The built-in KPIs; `activation` holds the activation KPI's event and window (settings). */
export function builtinCatalog(activation: ActivationSettings): MetricDefinitionInput[] {
  const signups: MeasureInput = { source: 'events', aggregate: 'count_distinct', field: 'customer', where: [{ field: 'event', op: 'eq', value: activation.event }] };
  return [
    // Sales
    {
      id: 'orders', label: 'Orders', unit: 'count', tag: 'lagging', headline: true,
      description: 'Orders placed in the period.',
      counts: 'distinct order_id of Order Completed (any source), without fully refunded or cancelled orders',
      numerator: orders,
    },
    {
      id: 'revenue', label: 'Revenue', unit: 'currency', tag: 'lagging', headline: true,
      description: 'Sum of order revenue in the period, in base currency, net of refunds.',
      counts: 'base-currency revenue of the orders placed in the period, partial refunds deducted at the order rate',
      numerator: revenue,
    },
    {
      id: 'aov', label: 'Average order value', unit: 'currency', tag: 'lagging', headline: true,
      description: 'Revenue / orders.',
      counts: 'revenue per order', numerator: revenue, denominator: orders,
    },
    {
      id: 'customers', label: 'Customers', unit: 'count', tag: 'lagging', headline: true,
      description: 'Customers with at least one order in the period.',
      counts: 'distinct resolved customers with an order', numerator: orderingCustomers,
    },
    {
      id: 'new_customers', label: 'New customers', unit: 'count', tag: 'lagging', headline: true,
      description: 'Customers whose first order ever is in the period.',
      counts: 'customers dated by their first order that counts', numerator: { source: 'customers', aggregate: 'count' },
    },
    {
      id: 'returning_customers', label: 'Returning customers', unit: 'count', tag: 'lagging',
      description: 'Customers with an order in the period and an earlier order before it.',
      counts: 'distinct customers with an order in P whose first order is before P',
      numerator: { ...orderingCustomers, where: [{ field: 'customer.first_order_day', op: 'lt', value: { period: 'start' } }] },
    },
    {
      id: 'purchase_frequency', label: 'Purchase frequency', unit: 'orders_per_customer', tag: 'lagging',
      description: 'Orders / customers.',
      counts: 'orders per ordering customer', numerator: orders, denominator: orderingCustomers,
    },
    {
      id: 'repeat_purchase_rate', label: 'Repeat purchase rate', unit: 'percent', tag: 'lagging', headline: true,
      description: 'Customers with an order in the period who have at least two orders up to its end, / customers.',
      counts: 'ordering customers whose second order is before the end of P', scale: 100,
      numerator: { ...orderingCustomers, where: [{ field: 'customer.second_order_day', op: 'lt', value: { period: 'end' } }] },
      denominator: orderingCustomers,
    },
    // Web and funnel
    {
      id: 'sessions', label: 'Sessions', unit: 'count', tag: 'leading', headline: true,
      description: 'Sessions starting in the period.', counts: 'sessions (30-minute gap, per visitor)', numerator: sessions,
    },
    {
      id: 'visitors', label: 'Visitors', unit: 'count', tag: 'leading', headline: true,
      description: 'Distinct visitors with a session starting in the period.', counts: 'distinct visitors (resolved customer, else anonymousId)', numerator: visitors,
    },
    {
      id: 'new_visitors', label: 'New visitors', unit: 'count', tag: 'leading',
      description: 'Visitors whose first session ever starts in the period.', counts: 'visitors dated by their first session',
      numerator: { source: 'visitors', aggregate: 'count' },
    },
    {
      id: 'bounce_rate', label: 'Bounce rate', unit: 'percent', tag: 'leading', better: 'lower', headline: true,
      description: 'Sessions made of exactly one call, a page or screen call, / sessions.',
      counts: 'single-page sessions', scale: 100,
      numerator: { ...sessions, where: [{ field: 'bounced', op: 'is_true' }] }, denominator: sessions,
    },
    {
      id: 'avg_session_duration', label: 'Average session duration', unit: 'seconds', tag: 'leading',
      description: 'Mean of (last call − first call) over sessions.', counts: 'seconds per session',
      numerator: { source: 'sessions', aggregate: 'sum', field: 'duration_seconds' }, denominator: sessions,
    },
    {
      id: 'pages_per_session', label: 'Pages per session', unit: 'pages', tag: 'leading',
      description: 'Page and screen calls in sessions / sessions.', counts: 'page and screen calls per session',
      numerator: { source: 'sessions', aggregate: 'sum', field: 'pages' }, denominator: sessions,
    },
    {
      id: 'conversion_rate', label: 'Conversion rate', unit: 'percent', tag: 'leading', headline: true,
      description: 'Sessions that contain an Order Completed / sessions.', counts: 'sessions with an Order Completed', scale: 100,
      numerator: { ...sessions, where: [{ field: 'has_order', op: 'is_true' }] }, denominator: sessions,
    },
    {
      id: 'revenue_per_visit', label: 'Revenue per visit', unit: 'currency', tag: 'leading',
      description: 'Revenue / sessions.', counts: 'revenue per session', numerator: revenue, denominator: sessions,
    },
    {
      id: 'cart_abandonment_rate', label: 'Cart abandonment rate', unit: 'percent', tag: 'leading', better: 'lower',
      description: 'Sessions with Product Added or Checkout Started but no Order Completed, / sessions with Product Added or Checkout Started.',
      counts: 'carts left without an order', scale: 100,
      numerator: { ...sessions, where: [{ field: 'has_cart', op: 'is_true' }, { field: 'has_order', op: 'is_false' }] },
      denominator: { ...sessions, where: [{ field: 'has_cart', op: 'is_true' }] },
    },
    {
      id: 'traffic_to_lead', label: 'Traffic-to-lead ratio', unit: 'percent', tag: 'leading',
      description: 'Visitors who sent Signed Up in the period / visitors.', counts: 'visitors who signed up', scale: 100,
      numerator: { source: 'events', aggregate: 'count_distinct', field: 'visitor', where: [{ field: 'event', op: 'eq', value: 'Signed Up' }, { field: 'web', op: 'is_true' }] },
      denominator: visitors,
    },
    {
      id: 'top_traffic_sources', label: 'Top traffic sources', unit: 'table', tag: 'leading', kind: 'table', by: 'source', sortBy: 'sessions',
      description: 'Per session source: sessions, conversion rate, and revenue of the orders placed in those sessions.',
      counts: 'sessions by source',
      columns: [
        { id: 'sessions', label: 'Sessions', unit: 'count', numerator: sessions },
        { id: 'conversion_rate', label: 'Conversion rate', unit: 'percent', scale: 100, numerator: { ...sessions, where: [{ field: 'has_order', op: 'is_true' }] }, denominator: sessions },
        { id: 'revenue', label: 'Revenue', unit: 'currency', numerator: { source: 'sessions', aggregate: 'sum', field: 'revenue' } },
      ],
    },
    // Engagement and satisfaction
    {
      id: 'email_open_rate', label: 'Email open rate', unit: 'percent', tag: 'leading',
      description: 'Distinct (customer, email_id) opened / distinct delivered, for emails delivered in the period.',
      counts: 'delivered emails that were opened', scale: 100,
      numerator: { ...delivered, where: [{ field: 'opened', op: 'is_true' }] }, denominator: delivered,
    },
    {
      id: 'email_click_rate', label: 'Email click rate', unit: 'percent', tag: 'leading',
      description: 'Distinct (customer, email_id) clicked / distinct delivered, for emails delivered in the period.',
      counts: 'delivered emails with a link clicked', scale: 100,
      numerator: { ...delivered, where: [{ field: 'clicked', op: 'is_true' }] }, denominator: delivered,
    },
    {
      id: 'nps', label: 'Net Promoter Score', unit: 'nps', tag: 'leading',
      description: '100 × (promoters − detractors) / responses; promoters score 9–10, detractors 0–6.',
      counts: 'nps survey responses', scale: 100, ...survey('nps', 0, 10),
      numerator: [
        { ...responses, where: [{ field: 'score', op: 'gte', value: 9 }] },
        { ...responses, where: [{ field: 'score', op: 'lte', value: 6 }], sign: -1 },
      ],
      denominator: responses,
    },
    {
      id: 'csat', label: 'Customer satisfaction (CSAT)', unit: 'percent', tag: 'leading',
      description: 'Responses scoring 4 or 5 / responses, survey_type csat (scale 1–5).',
      counts: 'satisfied csat responses', scale: 100, ...survey('csat', 1, 5),
      numerator: { ...responses, where: [{ field: 'score', op: 'gte', value: 4 }] }, denominator: responses,
    },
    {
      id: 'ces', label: 'Customer effort score (CES)', unit: 'score', tag: 'leading',
      description: 'Mean score, survey_type ces (scale 1–7, higher is easier).',
      counts: 'ces responses', ...survey('ces', 1, 7),
      numerator: { source: 'survey_responses', aggregate: 'sum', field: 'score' }, denominator: responses,
    },
    {
      id: 'activation_rate', label: 'Activation rate', unit: 'percent', tag: 'leading',
      description: `Customers who sent ${activation.event} in the period and placed a first order within ${activation.windowDays} days of it, / customers who sent ${activation.event} in the period.`,
      counts: 'signed-up customers who ordered soon after', scale: 100,
      numerator: { ...signups, where: [...(signups.where ?? []), { field: 'customer.first_order_at', op: 'within_days_after', days: activation.windowDays }] },
      denominator: signups,
    },
    // Retention and value
    {
      id: 'retention_rate', label: 'Retention rate', unit: 'percent', tag: 'lagging', headline: true,
      description: 'Customers with an order in both P−1 and P / customers with an order in P−1.',
      counts: 'customers of P−1 who ordered again in P', scale: 100,
      numerator: { ...customersInPrevious, where: [{ op: 'customer_ordered', in: 'period' }] }, denominator: customersInPrevious,
    },
    {
      id: 'churn_rate', label: 'Churn rate', unit: 'percent', tag: 'lagging', better: 'lower',
      description: '100 − retention rate: customers with an order in P−1 and none in P / customers with an order in P−1.',
      counts: 'customers of P−1 who did not order in P', scale: 100,
      numerator: { ...customersInPrevious, where: [{ op: 'customer_ordered', in: 'period', negate: true }] }, denominator: customersInPrevious,
    },
    {
      id: 'net_revenue_retention', label: 'Net revenue retention', unit: 'percent', tag: 'lagging',
      description: 'Revenue in P from the customers who ordered in P−1, / their revenue in P−1.',
      counts: 'revenue kept from the previous period’s customers', scale: 100,
      numerator: { ...revenue, where: [{ op: 'customer_ordered', in: 'previous_period' }] },
      denominator: { ...revenue, window: 'previous_period' },
    },
    {
      id: 'historical_clv', label: 'Historical customer lifetime value', unit: 'currency', tag: 'lagging', headline: true,
      description: 'Total revenue to the end of the period / customers who ordered up to the end of the period.',
      counts: 'revenue per customer, all time to the end of P',
      numerator: { ...revenue, window: 'to_date' }, denominator: { source: 'customers', aggregate: 'count', window: 'to_date' },
    },
  ];
}
