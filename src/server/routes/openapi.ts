import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
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
    },
  },
  Segment: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' }, customers: { type: 'integer' } } },
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
      '/api/v1/quarantine': get('Rejected records with reasons', { type: 'object', properties: { rejected: { type: 'array', items: ref('Rejection') } } }, [queryParam('limit', 'at most this many', { type: 'integer', minimum: 1, maximum: 10000 })]),
      '/api/v1/metrics': get('The KPI catalog', { type: 'object', properties: { metrics: { type: 'array', items: ref('CatalogEntry') } } }),
      '/api/v1/metrics/{name}': get('One KPI as a time series (tessera metrics NAME --json)', ref('MetricResult'), [pathParam('name', 'a KPI id from the catalog'), ...queryParameters(MetricQueryParams)]),
      '/api/v1/report': get('Several KPIs over the same periods', { type: 'object' }, queryParameters(ReportQueryParams)),
      '/api/v1/rfm': get('RFM scores, named segments and the recency-frequency matrix (tessera rfm --json)', ref('Rfm'), [queryParam('as_of', 'the date, YYYY-MM-DD')]),
      '/api/v1/cohorts': get('Retention share and revenue by first-order month and month offset', { type: 'object' }),
      '/api/v1/segments': get('Segments and their sizes', { type: 'object', properties: { segments: { type: 'array', items: ref('Segment') } } }),
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
      '/api/v1/profiles/{id}/explain': get('Why these identifiers are one customer: the merges and refusals', { type: 'object' }, [customerId]),
      [LIVE_PATH]: {
        get: {
          summary: 'Server-sent events: `events` (newly stored events, as /api/v1/events) and `metrics` (data changed)',
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
