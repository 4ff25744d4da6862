/** SCIM 2.0 paths of the OpenAPI document (RFC 7644), at /scim/v2 (the same routes answer at /scim). */
type Json = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const scim = (schema: Json, description = 'OK') => ({ description, content: { 'application/scim+json': { schema } } });
const scimError = (description: string) => scim(ref('ScimError'), description);
const scimBody = (schema: Json) => ({ required: true, content: { 'application/scim+json': { schema }, 'application/json': { schema } } });
const security = [{ scimToken: [] }];
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const ifMatch = { name: 'If-Match', in: 'header', required: false, description: 'ETag from a previous read: 412 when the resource changed since', schema: { type: 'string' } };
const ifNoneMatch = { name: 'If-None-Match', in: 'header', required: false, description: '304 when unchanged', schema: { type: 'string' } };
const q = (name: string, description: string, schema: Json = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const listParams = [
  q('filter', 'RFC 7644 §3.4.2.2 filter, e.g. userName eq "jane.doe"'),
  q('startIndex', '1-based', { type: 'integer', minimum: 1 }),
  q('count', 'page size', { type: 'integer', minimum: 0 }),
  q('sortBy', 'attribute path'),
  q('sortOrder', '', { enum: ['ascending', 'descending'] }),
  q('attributes', 'comma-separated attributes to return'),
  q('excludedAttributes', 'comma-separated attributes to leave out'),
];
const projection = [q('attributes', 'comma-separated attributes to return'), q('excludedAttributes', 'comma-separated attributes to leave out')];
const searchBody = scimBody({
  type: 'object',
  properties: {
    schemas: { type: 'array', items: { const: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest' } },
    filter: { type: 'string' },
    startIndex: { type: 'integer' },
    count: { type: 'integer' },
    sortBy: { type: 'string' },
    sortOrder: { enum: ['ascending', 'descending'] },
    attributes: { type: 'array', items: { type: 'string' } },
    excludedAttributes: { type: 'array', items: { type: 'string' } },
  },
});
const common = { 401: scimError('missing or invalid SCIM token') };

function resource(tag: string, name: 'User' | 'Group', schema: string, options: { search: boolean }): Record<string, Json> {
  const base = `/scim/v2/${name}s`;
  const search = {
    [`${base}/.search`]: {
      post: { tags: [tag], summary: `Search ${name}s with a POSTed SearchRequest`, security, requestBody: searchBody, responses: { 200: scim(ref('ScimListResponse')), 400: scimError('invalidFilter'), ...common } },
    },
  };
  return {
    [base]: {
      get: { tags: [tag], summary: `List ${name}s (filter, sort, page)`, security, parameters: listParams, responses: { 200: scim(ref('ScimListResponse')), 400: scimError('invalidFilter'), ...common } },
      post: {
        tags: [tag],
        summary: `Create a ${name}`,
        security,
        requestBody: scimBody(ref(schema)),
        responses: { 201: scim(ref(schema), 'Created (Location and ETag headers)'), 400: scimError('invalidValue / invalidSyntax'), ...common, 409: scimError('uniqueness') },
      },
    },
    ...(options.search ? search : {}),
    [`${base}/{id}`]: {
      get: { tags: [tag], summary: `One ${name}`, security, parameters: [idParam, ifNoneMatch, ...projection], responses: { 200: scim(ref(schema)), 304: { description: 'Not Modified' }, ...common, 404: scimError('no such resource') } },
      put: {
        tags: [tag],
        summary: `Replace a ${name} (omitted attributes are cleared)`,
        security,
        parameters: [idParam, ifMatch],
        requestBody: scimBody(ref(schema)),
        responses: { 200: scim(ref(schema)), 400: scimError('invalidValue / mutability'), ...common, 404: scimError('no such resource'), 409: scimError('uniqueness'), 412: scimError('ETag mismatch') },
      },
      patch: {
        tags: [tag],
        summary: `Modify a ${name} (PatchOp)`,
        security,
        parameters: [idParam, ifMatch],
        requestBody: scimBody(ref('ScimPatchOp')),
        responses: { 200: scim(ref(schema)), 204: { description: 'applied (Groups: no body)' }, 400: scimError('invalidPath / invalidValue / noTarget'), ...common, 404: scimError('no such resource'), 409: scimError('uniqueness'), 412: scimError('ETag mismatch') },
      },
      delete: { tags: [tag], summary: `Delete a ${name}`, security, parameters: [idParam, ifMatch], responses: { 204: { description: 'No Content' }, ...common, 404: scimError('no such resource'), 412: scimError('ETag mismatch') } },
    },
  };
}

export function scimUserPaths(): Record<string, Json> {
  return resource('scim', 'User', 'ScimUser', { search: true });
}

export function scimGroupPaths(): Record<string, Json> {
  return resource('scim', 'Group', 'ScimGroup', { search: true });
}

export function scimDiscoveryPaths(): Record<string, Json> {
  const doc = (summary: string, params: Json[] = []) => ({ get: { tags: ['scim'], summary, parameters: params, responses: { 200: scim({ type: 'object' }), 404: scimError('unknown') } } });
  return {
    '/scim/v2/ServiceProviderConfig': doc('What this SCIM server supports (public)'),
    '/scim/v2/ResourceTypes': doc('User and Group resource types (public)'),
    '/scim/v2/ResourceTypes/{name}': doc('One resource type', [{ name: 'name', in: 'path', required: true, schema: { type: 'string' } }]),
    '/scim/v2/Schemas': doc('The attribute schemas (public)'),
    '/scim/v2/Schemas/{urn}': doc('One schema', [{ name: 'urn', in: 'path', required: true, schema: { type: 'string' } }]),
  };
}

/** The SCIM paths whose routes exist on this branch. */
export function scimPaths(): Record<string, unknown> {
  return { ...scimDiscoveryPaths(), ...scimUserPaths(), ...scimGroupPaths() };
}
