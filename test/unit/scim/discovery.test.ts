import type { AttributeDef } from '../../../src/scim/attribute-defs';
import {
  buildResourceTypesListResponse,
  buildSchemasListResponse,
  buildServiceProviderConfig,
  findResourceTypeDocument,
  findSchemaDocument,
} from '../../../src/scim/discovery';
import { EMAIL_VALIDATION_SCHEMA } from '../../../src/scim/schemas';
import { CORE_USER, ENTERPRISE, WIRE } from './helpers';

const BASE = 'https://gh.example/scim/v2/';
type Doc = Record<string, unknown>;
const attributesOf = (urn: string) => (findSchemaDocument(BASE, urn) as { attributes: AttributeDef[] }).attributes;
const attr = (urn: string, name: string) => attributesOf(urn).find((a) => a.name === name) as AttributeDef;

describe('Discovery documents', () => {
  it('When a client reads /Schemas, then it lists User, Group, the enterprise extension, the Wire profile and the email-validation extension as a ListResponse', () => {
    const doc = buildSchemasListResponse(BASE) as { schemas: string[]; totalResults: number; Resources: Doc[] };
    expect(doc.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    expect(doc.Resources.map((r) => r['id'])).toEqual([CORE_USER, ENTERPRISE, WIRE, EMAIL_VALIDATION_SCHEMA, 'urn:ietf:params:scim:schemas:core:2.0:Group']);
    expect(doc.totalResults).toBe(5);
    expect(doc.Resources[0]).toMatchObject({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], meta: { resourceType: 'Schema', location: `https://gh.example/scim/v2/Schemas/${CORE_USER}` } });
  });

  it('When the core User schema is read, then it has every RFC 7643 §4.1 attribute the brief lists', () => {
    expect(attributesOf(CORE_USER).map((a) => a.name)).toEqual([
      'userName', 'name', 'displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone', 'active',
      'emails', 'phoneNumbers', 'ims', 'photos', 'addresses', 'groups', 'entitlements', 'roles', 'x509Certificates',
    ]);
  });

  it('When any attribute is described, then it carries all the RFC 7643 §7 characteristics', () => {
    const check = (def: AttributeDef) => {
      for (const key of ['name', 'type', 'multiValued', 'description', 'required', 'caseExact', 'mutability', 'returned', 'uniqueness']) expect(def).toHaveProperty(key);
      if (def.type === 'complex') expect(def.subAttributes?.length).toBeGreaterThan(0);
      def.subAttributes?.forEach(check);
    };
    for (const urn of [CORE_USER, ENTERPRISE, WIRE, EMAIL_VALIDATION_SCHEMA, 'urn:ietf:params:scim:schemas:core:2.0:Group']) attributesOf(urn).forEach(check);
  });

  it('When the product rules are read from the schema, then userName and displayName are required and userName server-unique', () => {
    expect(attr(CORE_USER, 'userName')).toMatchObject({ required: true, uniqueness: 'server', caseExact: false });
    expect(attr(CORE_USER, 'displayName')).toMatchObject({ required: true });
    expect(attr(CORE_USER, 'groups')).toMatchObject({ mutability: 'readOnly', multiValued: true });
  });

  it('When the enterprise manager is read, then it has value, $ref and a read-only displayName', () => {
    expect(attr(ENTERPRISE, 'manager').subAttributes?.map((s) => [s.name, s.mutability])).toEqual([
      ['value', 'readWrite'],
      ['$ref', 'readWrite'],
      ['displayName', 'readOnly'],
    ]);
    expect(attributesOf(ENTERPRISE).map((a) => a.name)).toEqual(['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager']);
  });

  it('When the Wire profile is read, then richInfo is a multi-valued list of {type, value}', () => {
    expect(attr(WIRE, 'richInfo')).toMatchObject({ multiValued: true, subAttributes: [{ name: 'type' }, { name: 'value' }] });
  });

  it('When the email-validation extension is read, then email and validated are read-only (Gatehouse sets them, clients cannot)', () => {
    expect(attributesOf(EMAIL_VALIDATION_SCHEMA).map((a) => [a.name, a.type, a.mutability])).toEqual([
      ['email', 'string', 'readOnly'],
      ['validated', 'boolean', 'readOnly'],
    ]);
  });

  it('When the Group schema is read, then members has value, $ref, display and type', () => {
    expect(attr('urn:ietf:params:scim:schemas:core:2.0:Group', 'members').subAttributes?.map((s) => s.name)).toEqual(['value', '$ref', 'display', 'type']);
  });

  it('When a schema is looked up in another case, then it is found; an unknown one is null', () => {
    expect(findSchemaDocument(BASE, ENTERPRISE.toUpperCase())).toMatchObject({ id: ENTERPRISE });
    expect(findSchemaDocument(BASE, 'urn:nope')).toBeNull();
  });

  it('When a client reads /ResourceTypes, then User has its three extensions and Group none, with absolute locations', () => {
    const doc = buildResourceTypesListResponse(BASE) as { Resources: Doc[] };
    expect(doc.Resources).toEqual([
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        description: 'User Account',
        schema: CORE_USER,
        schemaExtensions: [
          { schema: ENTERPRISE, required: false },
          { schema: WIRE, required: false },
          { schema: EMAIL_VALIDATION_SCHEMA, required: false },
        ],
        meta: { resourceType: 'ResourceType', location: 'https://gh.example/scim/v2/ResourceTypes/User' },
      },
      expect.objectContaining({ id: 'Group', endpoint: '/Groups', schema: 'urn:ietf:params:scim:schemas:core:2.0:Group', schemaExtensions: [] }),
    ]);
    expect(findResourceTypeDocument(BASE, 'group')).toMatchObject({ id: 'Group' });
    expect(findResourceTypeDocument(BASE, 'Device')).toBeNull();
  });

  it('When a client reads /ServiceProviderConfig, then it advertises exactly what is implemented', () => {
    expect(buildServiceProviderConfig(BASE, { maxResults: 1000 })).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 1000 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [{ type: 'oauthbearertoken', primary: true }],
      meta: { resourceType: 'ServiceProviderConfig', location: 'https://gh.example/scim/v2/ServiceProviderConfig' },
    });
  });
});
