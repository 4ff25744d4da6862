/**
 * RFC 7644 §3.4.2 list parameters, from a query string (GET) or a SearchRequest body
 * (POST /.search), → one validated shape. Shared by /Users and /Groups.
 */
import { scimBadRequest } from './errors';
import { isObject } from './filter-eval';
import type { ProjectionRequest } from './projection';
import { describe } from './values';

export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const DEFAULT_COUNT = 100;
/** Advertised as filter.maxResults in /ServiceProviderConfig. */
export const MAX_COUNT = 1000;

export interface ListRequest extends ProjectionRequest {
  filter?: string;
  /** 1-based; values below 1 are read as 1 (RFC 7644 §3.4.2.4). */
  startIndex: number;
  /** 0…MAX_COUNT; negative means 0, larger means MAX_COUNT. */
  count: number;
  sortBy?: string;
  sortOrder: 'ascending' | 'descending';
}

type Raw = Record<string, unknown>;

/** A query parameter given twice arrives as a list; the first one wins. */
const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);

function optionalString(raw: Raw, name: string): string | undefined {
  const value = first(raw[name]);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw scimBadRequest('invalidValue', `${name} must be a string, got ${describe(value)}`);
  return value;
}

function integer(raw: Raw, name: string): number | undefined {
  const value = first(raw[name]);
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw scimBadRequest('invalidValue', `${name} must be an integer, got ${describe(value)}`);
  return n;
}

function attributeList(raw: Raw, name: string): string | string[] | undefined {
  const value = raw[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw scimBadRequest('invalidValue', `${name} must be a comma-separated string or a list of attribute names, got ${describe(value)}`);
}

/** Parameter names are case-insensitive in practice (clients send `startindex`, `Count`). */
const PARAMETER_NAMES = new Map(['filter', 'startIndex', 'count', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes'].map((n) => [n.toLowerCase(), n]));

function lowerKeys(raw: Raw): Raw {
  const out: Raw = {};
  for (const key in raw) {
    if (!Object.hasOwn(raw, key)) continue;
    const name = PARAMETER_NAMES.get(key.toLowerCase());
    if (name !== undefined && out[name] === undefined) out[name] = raw[key];
  }
  return out;
}

export function parseListRequest(input: Raw): ListRequest {
  const raw = lowerKeys(input);
  const sortOrder = optionalString(raw, 'sortOrder')?.toLowerCase() ?? 'ascending';
  if (sortOrder !== 'ascending' && sortOrder !== 'descending') {
    throw scimBadRequest('invalidValue', `sortOrder must be "ascending" or "descending", got ${JSON.stringify(sortOrder)}`);
  }
  const request: ListRequest = {
    startIndex: Math.max(1, integer(raw, 'startIndex') ?? 1),
    count: Math.min(MAX_COUNT, Math.max(0, integer(raw, 'count') ?? DEFAULT_COUNT)),
    sortOrder,
  };
  const filter = optionalString(raw, 'filter');
  if (filter !== undefined) request.filter = filter;
  const sortBy = optionalString(raw, 'sortBy');
  if (sortBy !== undefined) request.sortBy = sortBy;
  const attributes = attributeList(raw, 'attributes');
  if (attributes !== undefined) request.attributes = attributes;
  const excluded = attributeList(raw, 'excludedAttributes');
  if (excluded !== undefined) request.excludedAttributes = excluded;
  return request;
}

/** attributes / excludedAttributes of a single-resource GET (RFC 7644 §3.4.2.5). */
export function parseProjection(input: Raw): ProjectionRequest {
  const raw = lowerKeys(input);
  const projection: ProjectionRequest = {};
  const attributes = attributeList(raw, 'attributes');
  if (attributes !== undefined) projection.attributes = attributes;
  const excluded = attributeList(raw, 'excludedAttributes');
  if (excluded !== undefined) projection.excludedAttributes = excluded;
  return projection;
}

/** POST /.search: the body is a SearchRequest (RFC 7644 §3.4.3). */
export function parseSearchRequest(body: unknown): ListRequest {
  if (!isObject(body)) throw scimBadRequest('invalidSyntax', `the body must be a SearchRequest object, got ${describe(body)}`);
  const schemas = body['schemas'];
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.includes(SEARCH_REQUEST_SCHEMA))) {
    throw scimBadRequest('invalidValue', `schemas must be ["${SEARCH_REQUEST_SCHEMA}"]`);
  }
  return parseListRequest(body);
}
