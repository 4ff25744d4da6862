/** JSON Schemas (OpenAPI 3.1 = JSON Schema 2020-12) of the bodies the HTTP API reads and writes. */
type Schema = Record<string, unknown>;

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const time = { type: 'string', format: 'date-time' } as const;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const schemas: Record<string, Schema> = {
  Error: {
    type: 'object',
    description: 'Every error outside SCIM.',
    required: ['code', 'label', 'message'],
    properties: { code: { type: 'integer' }, label: { type: 'string', description: 'kebab-case, stable', examples: ['invalid-credentials'] }, message: str },
  },
  ScimError: {
    type: 'object',
    description: 'RFC 7644 §3.12 error.',
    required: ['schemas', 'status'],
    properties: {
      schemas: { type: 'array', items: { const: 'urn:ietf:params:scim:api:messages:2.0:Error' } },
      status: { type: 'string', examples: ['409'] },
      scimType: { type: 'string', examples: ['uniqueness', 'invalidFilter', 'mutability', 'invalidValue'] },
      detail: str,
    },
  },
  LoginRequest: { type: 'object', required: ['email', 'password'], properties: { email: { type: 'string', format: 'email' }, password: str } },
  AccessToken: {
    type: 'object',
    required: ['access_token', 'token_type', 'expires_in', 'user'],
    properties: { access_token: str, token_type: { const: 'Bearer' }, expires_in: { type: 'integer', examples: [900] }, user: { type: 'string', description: 'user id' } },
  },
  Self: {
    type: 'object',
    required: ['id', 'team', 'handle', 'role', 'status', 'managed_by'],
    properties: {
      id: str,
      team: str,
      name: str,
      handle: str,
      email: nullableStr,
      role: { enum: ['owner', 'admin', 'member'] },
      status: { enum: ['active', 'suspended', 'pending'] },
      managed_by: { enum: ['scim', 'sso', 'manual'] },
    },
  },
  Team: {
    type: 'object',
    required: ['id', 'name', 'has_scim', 'sso_self_signup', 'scim_tokens', 'group_managed_roles'],
    properties: {
      id: str,
      name: str,
      created_at: time,
      has_scim: { type: 'boolean', description: 'true while the team has a SCIM token' },
      sso_self_signup: { type: 'boolean', description: 'just-in-time SAML sign-up: only without SCIM tokens' },
      scim_tokens: { type: 'integer', maximum: 8 },
      group_managed_roles: { type: 'boolean' },
      validate_saml_emails: { type: 'boolean', description: 'email-shaped SSO identifiers provisioned through SCIM get a validation mail' },
      scim_profile: { enum: ['strict', 'directory'], description: 'how SCIM reads users and links them to SAML NameIDs' },
    },
  },
  ScimTokenInfo: {
    type: 'object',
    required: ['id', 'team', 'created_at', 'description', 'name'],
    properties: { id: str, team: str, created_at: time, idp: nullableStr, description: str, name: str },
  },
  ScimTokenCreate: {
    type: 'object',
    required: ['description', 'password'],
    properties: { description: str, password: { type: 'string', description: "the admin's password, re-checked" }, name: str, idp: { type: ['string', 'null'], description: 'bind the token (and its users) to one IdP' } },
  },
  ScimTokenCreated: {
    type: 'object',
    required: ['token', 'info'],
    properties: { token: { type: 'string', description: 'shown once; stored only as a SHA-256 digest', pattern: '^gscim_' }, info: ref('ScimTokenInfo') },
  },
  IdentityProviderSettings: {
    type: 'object',
    properties: {
      metadata: { type: 'string', description: 'the IdP metadata XML' },
      metadata_url: { type: 'string', format: 'uri', description: 'https URL re-fetched every METADATA_REFRESH_HOURS' },
      handle: nullableStr,
      allow_idp_initiated: { type: 'boolean' },
      require_encrypted_assertions: { type: 'boolean', description: 'refuse assertions that arrive unencrypted' },
    },
  },
  IdentityProvider: {
    type: 'object',
    required: ['id', 'team', 'entity_id', 'login_code', 'login_url', 'sp'],
    properties: {
      id: str,
      team: str,
      handle: nullableStr,
      entity_id: str,
      login_code: { type: 'string', pattern: '^sso-' },
      login_url: { type: 'string', format: 'uri' },
      sp: { type: 'object', properties: { entity_id: str, acs_url: str, metadata_url: str } },
      sso_url: nullableStr,
      binding: { enum: ['HTTP-POST', 'HTTP-Redirect'] },
      certificates: { type: 'array', items: { type: 'object', properties: { fingerprint_sha256: nullableStr, subject: nullableStr, not_after: nullableStr } } },
      metadata_url: nullableStr,
      metadata_refreshed_at: nullableStr,
      metadata_refresh_error: nullableStr,
      replaces: nullableStr,
      replaced_by: nullableStr,
      allow_idp_initiated: { type: 'boolean' },
      require_encrypted_assertions: { type: 'boolean', description: 'refuse assertions that arrive unencrypted' },
      created_at: time,
      updated_at: time,
      users: { type: 'integer' },
      warnings: { type: 'array', items: str },
    },
  },
  TestRun: { type: 'object', required: ['id', 'url'], properties: { id: str, url: { type: 'string', format: 'uri', description: 'open it in a browser and sign in' } } },
  TestRunReport: {
    type: 'object',
    properties: {
      id: str,
      completed: { type: 'boolean' },
      report: { type: ['object', 'null'], description: 'each ACS check, NameID and format, attributes, conditions, certificate' },
    },
  },
  ScimMeta: { type: 'object', properties: { resourceType: str, created: time, lastModified: time, location: str, version: { type: 'string', description: 'weak ETag' } } },
  ScimUser: {
    type: 'object',
    required: ['userName'],
    description: 'urn:ietf:params:scim:schemas:core:2.0:User (+ enterprise extension). userName is the handle: a-z0-9_.- , unique on the instance, case-insensitive.',
    properties: {
      schemas: { type: 'array', items: str },
      id: { type: 'string', readOnly: true },
      externalId: { type: 'string', description: 'the SAML NameID of this person' },
      userName: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
      displayName: str,
      name: { type: 'object', properties: { formatted: str, givenName: str, familyName: str, middleName: str, honorificPrefix: str, honorificSuffix: str } },
      emails: { type: 'array', items: { type: 'object', properties: { value: str, type: str, primary: { type: 'boolean' }, display: str } } },
      phoneNumbers: { type: 'array', items: { type: 'object', properties: { value: str, type: str, primary: { type: 'boolean' } } } },
      active: { type: 'boolean' },
      title: str,
      groups: { type: 'array', readOnly: true, items: { type: 'object', properties: { value: str, display: str, $ref: str } } },
      meta: ref('ScimMeta'),
    },
    additionalProperties: true,
  },
  ScimGroup: {
    type: 'object',
    required: ['displayName'],
    description: 'urn:ietf:params:scim:schemas:core:2.0:Group',
    properties: {
      schemas: { type: 'array', items: str },
      id: { type: 'string', readOnly: true },
      externalId: str,
      displayName: str,
      members: { type: 'array', items: { type: 'object', required: ['value'], properties: { value: { type: 'string', description: 'user id' }, display: str, $ref: str } } },
      meta: ref('ScimMeta'),
    },
  },
  ScimListResponse: {
    type: 'object',
    required: ['schemas', 'totalResults', 'Resources'],
    properties: {
      schemas: { type: 'array', items: { const: 'urn:ietf:params:scim:api:messages:2.0:ListResponse' } },
      totalResults: { type: 'integer' },
      startIndex: { type: 'integer' },
      itemsPerPage: { type: 'integer' },
      Resources: { type: 'array', items: { type: 'object' } },
    },
  },
  ScimPatchOp: {
    type: 'object',
    required: ['schemas', 'Operations'],
    properties: {
      schemas: { type: 'array', items: { const: 'urn:ietf:params:scim:api:messages:2.0:PatchOp' } },
      Operations: {
        type: 'array',
        items: { type: 'object', required: ['op'], properties: { op: { enum: ['add', 'remove', 'replace', 'Add', 'Remove', 'Replace'] }, path: str, value: {} } },
      },
    },
  },
  TeamSettings: {
    type: 'object',
    properties: {
      group_managed_roles: { type: 'boolean', description: "membership in the team's role groups sets users' roles" },
      validate_saml_emails: { type: 'boolean', description: 'the seed guide\'s validateSAMLemails: an email-shaped SAML identifier provisioned through SCIM gets a validation mail; until it is opened the address is unvalidated and not the sign-in email' },
      scim_profile: { enum: ['strict', 'directory'], description: 'strict: userName is the handle, NameID = externalId; directory: userName is the IdP login name, NameID = userName ignoring case. Owners only.' },
      role_groups: { type: 'array', readOnly: true, items: { type: 'object', properties: { id: str, display_name: str, role: { enum: ['owner', 'admin', 'member'] } } } },
    },
  },
  EmailValidation: {
    type: 'object',
    description: "An SSO user's email validation (team setting validate_saml_emails); the link itself is only in the mail",
    required: ['email', 'validated', 'link'],
    properties: {
      email: { type: 'string', format: 'email', description: "the user's identifier (externalId), lower-cased" },
      validated: { type: 'boolean' },
      link: { oneOf: [{ type: 'null' }, { $ref: '#/components/schemas/Invitation' }], description: 'the open link while unvalidated; null when validated or none was sent' },
    },
  },
  Invitation: {
    type: 'object',
    description: "A pending user's open invitation (the link itself is only in the mail)",
    required: ['status', 'sent_to', 'created_at', 'expires_at', 'last_send_error'],
    properties: {
      status: { enum: ['pending', 'expired'] },
      sent_to: { type: 'string', format: 'email' },
      created_at: time,
      expires_at: time,
      last_send_error: { type: ['string', 'null'], description: 'the last delivery failure; null once a delivery succeeded' },
    },
  },
};
