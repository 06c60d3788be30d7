import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AlertsQuery } from './alerts.js';
import { LiveQuery, LIVE_PATH } from './live.js';
import { MetricQueryParams, ReportQueryParams } from './metrics.js';
import { EventsQuery } from './read-api.js';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, description = 'OK'): Json => ({ description, content: { 'application/json': { schema } } });
const errors: Json = {
  '400': json(ref('Error'), 'a query parameter is invalid'),
  '401': json(ref('Error'), 'missing or unknown read token'),
  '404': json(ref('Error'), 'no such resource'),
};

/** Query parameters of a route, taken from the zod schema that validates them. */
export function queryParameters(schema: z.ZodObject): Json[] {
  const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: js.required?.includes(name) ?? false, schema: s }));
}

const pathParam = (name: string, description: string): Json => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const queryParam = (name: string, description: string, schema: Json = { type: 'string' }): Json => ({ name, in: 'query', required: false, description, schema });

function get(summary: string, response: Json, parameters: Json[] = []): Json {
  return { get: { summary, parameters, responses: { '200': json(response), ...errors } } };
}

const nullableNumber: Json = { type: ['number', 'null'] };
const series: Json = {
  type: 'object',
  required: ['period', 'start', 'end', 'value', 'numerator', 'denominator', 'previous', 'change'],
  properties: { period: { type: 'string' }, start: { type: 'string' }, end: { type: 'string' }, value: nullableNumber, numerator: nullableNumber, denominator: nullableNumber, previous: nullableNumber, change: nullableNumber },
};

const schemas: Record<string, Json> = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} } } },
  },
  SeriesPoint: series,
  MetricResult: {
    type: 'object',
    required: ['metric', 'label', 'unit', 'grain', 'series', 'total'],
    properties: {
      metric: { type: 'string' },
      label: { type: 'string' },
      unit: { type: 'string' },
      grain: { enum: ['day', 'week', 'month', 'quarter', 'year'] },
      series: { type: 'array', items: ref('SeriesPoint') },
      total: { type: 'object', required: ['value'], properties: { value: nullableNumber, previous: nullableNumber, change: nullableNumber } },
    },
  },
  CatalogEntry: {
    type: 'object',
    required: ['id', 'label', 'unit'],
    properties: { id: { type: 'string' }, label: { type: 'string' }, unit: { type: 'string' }, tag: { enum: ['leading', 'lagging'] }, description: { type: 'string' } },
  },
  StoredEvent: { type: 'object', required: ['seq', 'source', 'message'], properties: { seq: { type: 'integer' }, source: { type: 'string' }, message: { type: 'object' } } },
  Rejection: {
    type: 'object',
    properties: { seq: { type: 'integer' }, received_at: { type: 'string' }, source: { type: 'string' }, location: { type: ['string', 'null'] }, code: { type: 'string' }, reason: { type: 'string' }, field: { type: ['string', 'null'] }, raw: { type: ['string', 'null'] } },
  },
  Rfm: {
    type: 'object',
    required: ['as_of', 'customers', 'segments', 'matrix'],
    properties: {
      as_of: { type: 'string' },
      customers: { type: 'array', items: { type: 'object', properties: Object.fromEntries(['customer_id', 'recency', 'frequency', 'monetary', 'r', 'f', 'm', 'segment'].map((k) => [k, {}])) } },
      segments: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, customers: { type: 'integer' }, revenue: { type: 'number' } } } },
      matrix: {
        type: 'array',
        items: { type: 'object', properties: { recency: { enum: ['active', 'churning', 'lapsed'] }, frequency: { enum: ['1', '2', '3+'] }, customers: { type: 'integer' }, revenue: { type: 'number' } } },
      },
    },
  },
  Profile: {
    type: 'object',
    required: ['customer_id', 'identifiers', 'traits', 'computed'],
    properties: {
      customer_id: { type: 'string' },
      identifiers: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, value: { type: 'string' }, first_seen: { type: ['string', 'null'] } } } },
      traits: { type: 'object' },
      computed: { type: 'object' },
      merges: { type: 'integer' },
      redirected_from: { type: 'string', description: 'the retired customer id asked for, when a merge, a split or an earlier event gave the customer a new one' },
    },
  },
  Alert: {
    type: 'object',
    required: ['id', 'rule', 'metric', 'period', 'value', 'message', 'status', 'fired_at'],
    properties: {
      id: { type: 'string' },
      rule: { type: 'string' },
      metric: { type: 'string' },
      label: { type: 'string' },
      unit: { type: 'string' },
      grain: { type: 'string' },
      period: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      segment: { type: ['string', 'null'] },
      value: nullableNumber,
      previous: nullableNumber,
      change: nullableNumber,
      condition: { type: 'string' },
      message: { type: 'string' },
      status: { enum: ['open', 'resolved'] },
      fired_at: { type: 'string' },
      resolved_at: { type: ['string', 'null'] },
    },
  },
  BenchmarkInput: {
    type: 'object',
    additionalProperties: false,
    properties: { target: { type: 'number' }, better: { enum: ['higher', 'lower'] }, baseline: { type: 'object', required: ['from', 'to'], properties: { from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' } } } },
  },
  Benchmark: {
    type: 'object',
    required: ['metric', 'target', 'better', 'baseline', 'source'],
    properties: { metric: { type: 'string' }, target: nullableNumber, better: { enum: ['higher', 'lower'] }, baseline: { type: ['object', 'null'] }, source: { enum: ['stored', 'config'] } },
  },
  Segment: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' }, customers: { type: 'integer' } } },
  SegmentHistory: {
    type: 'object',
    required: ['segment', 'snapshots', 'changes'],
    properties: {
      segment: { type: 'string' },
      snapshots: { type: 'array', items: { type: 'object', required: ['day', 'customers'], properties: { day: { type: 'string' }, customers: { type: 'integer' } } } },
      changes: { type: 'array', items: { type: 'object', required: ['day', 'entered', 'left'], properties: { day: { type: 'string' }, entered: { type: 'integer' }, left: { type: 'integer' } } } },
    },
  },
  RetentionWindowSales: {
    type: 'object',
    required: ['members', 'customers', 'orders', 'revenue'],
    properties: { members: { type: 'integer' }, customers: { type: 'integer' }, orders: { type: 'integer' }, revenue: { type: 'number' } },
  },
  SegmentRetention: {
    type: 'object',
    description: 'Types in src/contract/segment-retention.ts (SegmentRetentionReport).',
    required: ['as_of', 'currency', 'windows', 'segments', 'movement'],
    properties: {
      as_of: { type: 'string' },
      currency: { type: 'string' },
      windows: { type: 'object', properties: Object.fromEntries(['current', 'last_month', 'last_year'].map((w) => [w, { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' }, days: { type: 'integer' } } }])) },
      segments: {
        type: 'array',
        items: {
          type: 'object',
          required: ['kind', 'id', 'name', 'current', 'last_month', 'last_year', 'change', 'top_products', 'year_over_year'],
          properties: {
            kind: { enum: ['rfm', 'rule'] },
            id: { type: 'string' },
            name: { type: 'string' },
            current: ref('RetentionWindowSales'),
            last_month: ref('RetentionWindowSales'),
            last_year: ref('RetentionWindowSales'),
            change: { type: 'object' },
            top_products: { type: 'array', items: { type: 'object' } },
            year_over_year: { type: 'object', properties: { stayed: { type: 'integer' }, entered: { type: 'integer' }, left: { type: 'integer' } } },
          },
        },
      },
      movement: {
        type: 'object',
        required: ['from_as_of', 'to_as_of', 'segments', 'matrix', 'population', 'new', 'departed'],
        properties: {
          from_as_of: { type: 'string' },
          to_as_of: { type: 'string' },
          segments: { type: 'array', items: { type: 'string' } },
          matrix: { type: 'array', items: { type: 'array', items: { type: 'integer' } } },
          population: { type: 'integer' },
          new: { type: 'array', items: { type: 'integer' } },
          departed: { type: 'array', items: { type: 'integer' } },
        },
      },
    },
  },
};

/**
 * The OpenAPI 3.1 document of /api/v1: query parameters from the zod schemas the routes validate
 * with, response shapes kept here beside the product contract (product.md).
 */
export function buildOpenApi(): Json {
  const customerId = pathParam('id', 'a customer id');
  return {
    openapi: '3.1.0',
    info: { title: 'Tessera read API', version: '1', description: 'JSON shapes mirror the CLI --json output. Every call needs Authorization: Bearer <read token>.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } }, schemas },
    paths: {
      '/api/v1/events': get('Stored events, newest last', { type: 'object', properties: { events: { type: 'array', items: ref('StoredEvent') } } }, queryParameters(EventsQuery)),
      '/api/v1/sources': get('Every source of stored events, with counts and when it last sent', { type: 'object', properties: { sources: { type: 'array', items: { type: 'object' } } } }),
      '/api/v1/imports': get('File imports, newest first, with rows read, events written, duplicates and quarantined', { type: 'object', properties: { imports: { type: 'array', items: { type: 'object' } } } }, [queryParam('limit', 'at most this many', { type: 'integer', minimum: 1, maximum: 1000 })]),
      '/api/v1/quarantine': get('Rejected records with reasons', { type: 'object', properties: { rejected: { type: 'array', items: ref('Rejection') } } }, [queryParam('limit', 'at most this many', { type: 'integer', minimum: 1, maximum: 10000 }), queryParam('source', 'only records of this source', { type: 'string' }), queryParam('code', 'only records of this reason code', { type: 'string' })]),
      '/api/v1/metrics': get('The KPI catalog', { type: 'object', properties: { metrics: { type: 'array', items: ref('CatalogEntry') } } }),
      '/api/v1/metrics/{name}': get('One KPI as a time series (tessera metrics NAME --json)', ref('MetricResult'), [pathParam('name', 'a KPI id from the catalog'), ...queryParameters(MetricQueryParams)]),
      '/api/v1/report': get('Several KPIs over the same periods', { type: 'object' }, queryParameters(ReportQueryParams)),
      '/api/v1/alerts': get('KPI alerts, newest first (tessera alerts list --json)', { type: 'object', properties: { alerts: { type: 'array', items: ref('Alert') } } }, queryParameters(AlertsQuery)),
      '/api/v1/alerts/rules': get("The alert rules in force (the config's alerts section)", { type: 'object', properties: { interval_seconds: { type: 'integer' }, rules: { type: 'array', items: { type: 'object' } } } }),
      '/api/v1/alerts/check': {
        post: {
          summary: 'Evaluates every alert rule now (tessera serve does it every alerts.intervalSeconds)',
          responses: { '200': json({ type: 'object', properties: { evaluated_at: { type: 'string' }, cutoff: { type: ['string', 'null'] }, fired: { type: 'array', items: ref('Alert') }, resolved: { type: 'array', items: ref('Alert') }, errors: { type: 'array' } } }), ...errors },
        },
      },
      '/api/v1/benchmarks': get('Every KPI benchmark in force (stored, else from the config)', { type: 'object', properties: { benchmarks: { type: 'array', items: ref('Benchmark') } } }),
      '/api/v1/metrics/{name}/benchmark': {
        put: {
          summary: "Sets a KPI's target, baseline period and better direction, overriding the config's",
          parameters: [pathParam('name', 'a KPI id from the catalog')],
          requestBody: { content: { 'application/json': { schema: ref('BenchmarkInput') } } },
          responses: { '200': json(ref('Benchmark')), ...errors },
        },
        delete: {
          summary: "Removes a KPI's stored benchmark; the config's is in force again",
          parameters: [pathParam('name', 'a KPI id from the catalog')],
          responses: { '200': json({ type: 'object', properties: { metric: { type: 'string' }, benchmark: { oneOf: [ref('Benchmark'), { type: 'null' }] } } }), ...errors },
        },
      },
      '/api/v1/rfm': get('RFM scores, named segments and the recency-frequency matrix (tessera rfm --json)', ref('Rfm'), [queryParam('as_of', 'the date, YYYY-MM-DD')]),
      '/api/v1/cohorts': get('Retention share and revenue by first-order month (or acquisition source) and month offset (tessera cohorts --json)', { type: 'object' }, [
        queryParam('by', 'first_order_month (default) or source: the traffic source of the first session', { enum: ['first_order_month', 'source'] }),
      ]),
      '/api/v1/segments': {
        ...get('Segments and their sizes', { type: 'object', properties: { segments: { type: 'array', items: ref('Segment') } } }),
        post: {
          summary: 'Saves a rule segment (tessera segments create) and evaluates it at once; ?replace=true overwrites',
          parameters: [queryParam('replace', 'overwrite a segment with the same id', { enum: ['true', 'false'] })],
          requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['id', 'name', 'rule'], properties: { id: { type: 'string' }, name: { type: 'string' }, description: { type: 'string' }, rule: { type: 'object' } } } } } },
          responses: { '200': json({ type: 'object' }, 'replaced'), '201': json({ type: 'object' }, 'created'), ...errors },
        },
      },
      '/api/v1/segments/{id}': {
        ...get('A segment: its definition and size', ref('Segment'), [pathParam('id', 'a segment id')]),
        delete: { summary: 'Removes a segment (its membership history stays)', parameters: [pathParam('id', 'a segment id')], responses: { '200': json({ type: 'object', properties: { deleted: { type: 'string' } } }), ...errors } },
      },
      '/api/v1/segments/retention': get(
        'Per RFM named segment and rule segment: month-to-date sales and buyers against the same days of last month and last year, top products, movement year over year (tessera segments retention --json)',
        ref('SegmentRetention'),
        [queryParam('as_of', 'the date, YYYY-MM-DD (default: the last day with data)')],
      ),
      '/api/v1/segments/{id}/history': get("A segment's size per snapshot day and the customers entering and leaving it per day (tessera segments history ID --json)", ref('SegmentHistory'), [pathParam('id', 'a segment id')]),
      '/api/v1/segments/{id}/members': get('The customers of a segment', { type: 'object' }, [pathParam('id', 'a segment id')]),
      '/api/v1/segments/preview': {
        post: {
          summary: 'The number of customers a rule would select, without saving it',
          requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { rule: { type: 'object' } } } } } },
          responses: { '200': json({ type: 'object', properties: { customers: { type: 'integer' } } }), ...errors },
        },
      },
      '/api/v1/profiles': get('Customers found by search text or an exact identifier', { type: 'object' }, [queryParam('q', 'name, email, phone or id'), queryParam('identifier', 'type:value, such as email:ann@example.com')]),
      '/api/v1/profiles/{id}': get('The single customer view', ref('Profile'), [customerId]),
      '/api/v1/profiles/{id}/timeline': get("The customer's events", { type: 'object' }, [customerId]),
      '/api/v1/profiles/{id}/segments': get('The segments the customer is in now (as of the last membership refresh)', { type: 'object', properties: { customer_id: { type: 'string' }, segments: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, entered_at: { type: 'string' } } } } } }, [customerId]),
      '/api/v1/profiles/{id}/explain': get('Why these identifiers are one customer: the merges and refusals', { type: 'object' }, [customerId]),
      [LIVE_PATH]: {
        get: {
          summary: 'Server-sent events: `events` (newly stored events, as /api/v1/events), `metrics` (data changed) and `alerts` (fired and resolved)',
          description: 'EventSource cannot send headers, so the read token may be given as ?token=.',
          parameters: queryParameters(LiveQuery),
          responses: { '200': { description: 'an event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errors },
        },
      },
      '/api/v1/openapi.json': get('This document', { type: 'object' }),
    },
  };
}

/** `GET /api/v1/openapi.json`. */
export function registerOpenApi(app: FastifyInstance): void {
  const doc = buildOpenApi();
  app.get('/api/v1/openapi.json', async () => doc);
}
