/**
 * The schemas Gatehouse implements (RFC 7643 §4, §8.7) and the product's deviations from the RFC
 * defaults, each marked "Gatehouse:". These definitions drive everything else in src/scim:
 * canonical attribute names, caseExact in filters, value coercion, mutability checks and discovery.
 */
import { complex, multiValuedTyped, simple, type AttributeDef, type SchemaDef } from './attribute-defs';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const WIRE_PROFILE_SCHEMA = 'urn:wire:scim:schemas:profile:1.0';
export const EMAIL_VALIDATION_SCHEMA = 'urn:gatehouse:scim:schemas:extension:email-validation:1.0:User';
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export const USER_SCHEMA_DEF: SchemaDef = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    // Gatehouse: userName is the handle (a-z0-9_.-, 2–256, lowercase), unique on the instance.
    simple('userName', 'string', 'Unique identifier for the User: the Gatehouse handle (a-z0-9_.-, 2 to 256 characters, no capitals). REQUIRED.', {
      required: true,
      uniqueness: 'server',
    }),
    complex('name', `The components of the user's real name.`, [
      simple('formatted', 'string', 'The full name, formatted for display.'),
      simple('familyName', 'string', 'The family name of the User.'),
      simple('givenName', 'string', 'The given name of the User.'),
      simple('middleName', 'string', 'The middle name(s) of the User.'),
      simple('honorificPrefix', 'string', 'The honorific prefix(es) of the User.'),
      simple('honorificSuffix', 'string', 'The honorific suffix(es) of the User.'),
    ]),
    // Gatehouse: required, 1–128 Unicode code points.
    simple('displayName', 'string', 'The name of the User, suitable for display: 1 to 128 characters. REQUIRED.', { required: true }),
    simple('nickName', 'string', 'The casual way to address the user in real life.'),
    simple('profileUrl', 'reference', `A fully qualified URL pointing to the User's online profile.`, { referenceTypes: ['external'] }),
    simple('title', 'string', `The user's title, such as "Vice President".`),
    simple('userType', 'string', 'The relationship between the organization and the user, e.g. Employee or Contractor.'),
    simple('preferredLanguage', 'string', `The User's preferred written or spoken language, e.g. en-US.`),
    simple('locale', 'string', `The User's default location for localisation, e.g. en-US.`),
    simple('timezone', 'string', `The User's time zone in IANA format, e.g. America/Los_Angeles.`),
    simple('active', 'boolean', 'Whether the user may sign in; false suspends the user.'),
    multiValuedTyped('emails', 'Email addresses for the user.', { description: 'Email address for the user.' }, ['work', 'home', 'other']),
    multiValuedTyped('phoneNumbers', 'Phone numbers for the User.', { description: 'Phone number of the User.' }, [
      'work',
      'home',
      'mobile',
      'fax',
      'pager',
      'other',
    ]),
    multiValuedTyped('ims', 'Instant messaging addresses for the User.', { description: 'Instant messaging address for the User.' }, [
      'aim',
      'gtalk',
      'icq',
      'xmpp',
      'msn',
      'skype',
      'qq',
      'yahoo',
    ]),
    multiValuedTyped('photos', 'URLs of photos of the User.', { type: 'reference', referenceTypes: ['external'], description: 'URL of a photo of the User.' }, [
      'photo',
      'thumbnail',
    ]),
    complex(
      'addresses',
      'A physical mailing address for this User.',
      [
        simple('formatted', 'string', 'The full mailing address, formatted for display.'),
        simple('streetAddress', 'string', 'The full street address component.'),
        simple('locality', 'string', 'The city or locality component.'),
        simple('region', 'string', 'The state or region component.'),
        simple('postalCode', 'string', 'The zip code or postal code component.'),
        simple('country', 'string', 'The country name component (ISO 3166-1 alpha-2).'),
        simple('type', 'string', `A label indicating the attribute's function, e.g. work or home.`, { canonicalValues: ['work', 'home', 'other'] }),
        simple('primary', 'boolean', 'Whether this is the primary address; true appears at most once.'),
      ],
      { multiValued: true },
    ),
    complex(
      'groups',
      'The groups the user belongs to, computed by the service provider. Read-only.',
      [
        // Gatehouse: ids are compared exactly (they are UUIDs we issue).
        simple('value', 'string', 'The id of the Group.', { mutability: 'readOnly', caseExact: true }),
        simple('$ref', 'reference', 'The URI of the Group.', { mutability: 'readOnly', referenceTypes: ['Group'], caseExact: true }),
        simple('display', 'string', 'The displayName of the Group.', { mutability: 'readOnly' }),
        simple('type', 'string', 'direct or indirect membership.', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
      ],
      { multiValued: true, mutability: 'readOnly' },
    ),
    multiValuedTyped('entitlements', 'A list of entitlements for the User.', { description: 'The value of an entitlement.' }),
    multiValuedTyped('roles', 'A list of roles for the User.', { description: 'The value of a role.' }),
    multiValuedTyped('x509Certificates', 'A list of certificates issued to the User.', {
      type: 'binary',
      caseExact: true,
      description: 'The value of an X.509 certificate (base64 DER).',
    }),
  ],
};

export const GROUP_SCHEMA_DEF: SchemaDef = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    // Gatehouse: unique per team.
    simple('displayName', 'string', 'A human-readable name for the Group, unique within the team. REQUIRED.', { required: true, uniqueness: 'server' }),
    complex(
      'members',
      'A list of members of the Group (users of the same team).',
      [
        // Gatehouse: member ids are user ids we issue, compared exactly.
        simple('value', 'string', 'The id of the member User.', { mutability: 'immutable', caseExact: true }),
        simple('$ref', 'reference', 'The URI of the member User.', { mutability: 'immutable', referenceTypes: ['User'], caseExact: true }),
        // Gatehouse: display is filled in from the user, never taken from the client.
        simple('display', 'string', 'The displayName of the member User.', { mutability: 'readOnly' }),
        simple('type', 'string', 'The type of the member: only User is supported.', { mutability: 'immutable', canonicalValues: ['User'] }),
      ],
      { multiValued: true },
    ),
  ],
};

export const ENTERPRISE_USER_SCHEMA_DEF: SchemaDef = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    simple('employeeNumber', 'string', 'Numeric or alphanumeric identifier assigned to a person by the organization.'),
    simple('costCenter', 'string', 'Identifies the name of a cost center.'),
    simple('organization', 'string', 'Identifies the name of an organization.'),
    simple('division', 'string', 'Identifies the name of a division.'),
    simple('department', 'string', 'Identifies the name of a department.'),
    complex('manager', `The User's manager.`, [
      simple('value', 'string', 'The id of the SCIM resource representing the manager.', { caseExact: true }),
      simple('$ref', 'reference', 'The URI of the SCIM resource representing the manager.', { referenceTypes: ['User'], caseExact: true }),
      simple('displayName', 'string', `The displayName of the User's manager.`, { mutability: 'readOnly' }),
    ]),
  ],
};

export const WIRE_PROFILE_SCHEMA_DEF: SchemaDef = {
  id: WIRE_PROFILE_SCHEMA,
  name: 'WireProfile',
  description: 'Free-form profile fields shown on the user profile (rich info); total size of types and values is bounded.',
  attributes: [
    complex(
      'richInfo',
      'Profile fields, e.g. {"type":"Department","value":"Sales"}.',
      [simple('type', 'string', 'The label of the field.', { required: true }), simple('value', 'string', 'The value of the field.', { required: true })],
      { multiValued: true },
    ),
  ],
};

/**
 * Gatehouse: read-only, set by Gatehouse (team flag validate_saml_emails). Present on a user whose
 * email-shaped identifier was validated, or is waiting for the person to open the validation link.
 * Clients may echo it back in a PUT; it is ignored there like every readOnly attribute.
 */
export const EMAIL_VALIDATION_SCHEMA_DEF: SchemaDef = {
  id: EMAIL_VALIDATION_SCHEMA,
  name: 'EmailValidation',
  description:
    'Whether the person confirmed the email address their identity provider gave (team setting validate_saml_emails). Until "validated" is true the address is shown here only and is not the user\'s sign-in email.',
  attributes: [
    simple('email', 'string', 'The address being validated: the user\'s externalId (their SAML NameID), lower-cased.', { mutability: 'readOnly' }),
    simple('validated', 'boolean', 'true once the person opened the validation link mailed to this address; false while it is unvalidated.', { mutability: 'readOnly' }),
  ],
};

/**
 * RFC 7643 §3.1 common attributes. Not listed in /Schemas (the RFC keeps them out of schema
 * documents) but resolvable in filters, PATCH paths and projections.
 */
export function commonAttributes(resourceType: 'User' | 'Group'): AttributeDef[] {
  return [
    simple('id', 'string', 'Unique identifier issued by the service provider.', {
      caseExact: true,
      mutability: 'readOnly',
      returned: 'always',
      uniqueness: 'server',
    }),
    // Gatehouse: externalId is required for Users (it is the SAML NameID), optional for Groups.
    simple('externalId', 'string', 'Identifier of the resource as defined by the provisioning client.', {
      caseExact: true,
      required: resourceType === 'User',
    }),
    complex(
      'meta',
      'Resource metadata.',
      [
        simple('resourceType', 'string', 'The name of the resource type.', { caseExact: true, mutability: 'readOnly' }),
        simple('created', 'dateTime', 'When the resource was added.', { mutability: 'readOnly' }),
        simple('lastModified', 'dateTime', 'When the resource was last changed.', { mutability: 'readOnly' }),
        simple('location', 'reference', 'The URI of the resource.', { caseExact: true, mutability: 'readOnly', referenceTypes: ['uri'] }),
        simple('version', 'string', 'The weak ETag of the resource.', { caseExact: true, mutability: 'readOnly' }),
      ],
      { mutability: 'readOnly' },
    ),
    // Derived from the attributes present; filterable (RFC 7644 §3.4.2.2 example), never written.
    simple('schemas', 'reference', 'The schema URIs of the resource.', { multiValued: true, mutability: 'readOnly', returned: 'always', referenceTypes: ['uri'] }),
  ];
}
