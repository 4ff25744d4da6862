/** Team settings and invitation paths of the OpenAPI document (added as their routes land). */
type Json = Record<string, unknown>;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => json(ref('Error'), description);
const bearer = [{ accessToken: [] }];
const adminOnly = { 401: error('missing or invalid access token'), 403: error('not an owner or admin of the team') };

export function teamSettingsPaths(): Record<string, Json> {
  return {
    '/team/settings': {
      get: { tags: ['accounts'], summary: "The team's settings (owners and admins)", security: bearer, responses: { 200: json(ref('TeamSettings')), ...adminOnly } },
      put: {
        tags: ['accounts'],
        summary: 'Change settings (owners only), e.g. group-managed roles',
        security: bearer,
        requestBody: { required: true, content: { 'application/json': { schema: ref('TeamSettings') } } },
        responses: { 200: json(ref('TeamSettings')), 400: error('invalid setting'), ...adminOnly },
      },
    },
  };
}

export function invitationPaths(): Record<string, Json> {
  const user = { name: 'id', in: 'path', required: true, description: 'user id (UUID)', schema: { type: 'string', format: 'uuid' } };
  return {
    '/users/{id}/invitation': {
      get: { tags: ['invitations'], summary: "The user's open invitation", security: bearer, parameters: [user], responses: { 200: json(ref('Invitation')), 400: error('invalid-id'), ...adminOnly, 404: error('user-not-found / no-open-invitation') } },
      post: {
        tags: ['invitations'],
        summary: 'Send (or re-send) the invitation mail; earlier links stop working',
        security: bearer,
        parameters: [user],
        responses: { 202: json(ref('Invitation'), 'Accepted: the mail is on its way'), 400: error('invalid-id'), ...adminOnly, 404: error('user-not-found'), 409: error('not-pending / no-email'), 429: error('too-many-requests (5 per user per 15 min)') },
      },
    },
  };
}

export function emailValidationPaths(): Record<string, Json> {
  const user = { name: 'id', in: 'path', required: true, description: 'user id (UUID)', schema: { type: 'string', format: 'uuid' } };
  return {
    '/users/{id}/email-validation': {
      get: { tags: ['invitations'], summary: "The SSO user's email validation: validated, or the open link", security: bearer, parameters: [user], responses: { 200: json(ref('EmailValidation')), 400: error('invalid-id'), ...adminOnly, 404: error('user-not-found'), 409: error('no-email-to-validate') } },
      post: {
        tags: ['invitations'],
        summary: 'Re-send the email validation mail; earlier links stop working',
        security: bearer,
        parameters: [user],
        responses: {
          202: json(ref('EmailValidation'), 'Accepted: the mail is on its way'),
          400: error('invalid-id'),
          ...adminOnly,
          404: error('user-not-found'),
          409: error('email-already-validated / no-email-to-validate / email-validation-off'),
          429: error('too-many-requests (5 per user per 15 min)'),
        },
      },
    },
  };
}

export function provisioningLogPaths(): Record<string, Json> {
  return {
    '/scim/provisioning-log': {
      get: {
        tags: ['scim-tokens'],
        summary: "The team's recent SCIM requests, newest first",
        security: bearer,
        parameters: [
          { name: 'limit', in: 'query', required: false, description: '1–1000, default 100', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
          { name: 'errors', in: 'query', required: false, description: 'only failed requests', schema: { type: 'boolean' } },
        ],
        responses: {
          200: json({
            type: 'object',
            properties: {
              entries: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { at: { type: 'string', format: 'date-time' }, token: { type: ['string', 'null'] }, token_name: { type: ['string', 'null'] }, method: { type: 'string' }, path: { type: 'string' }, status: { type: 'integer' }, scim_type: { type: ['string', 'null'] }, detail: { type: ['string', 'null'] }, duration_ms: { type: 'number' } },
                },
              },
            },
          }),
          400: error('invalid limit'),
          ...adminOnly,
        },
      },
    },
  };
}

/** An owner hands a password account to the SCIM directory (src/accounts/directory-handover.ts). */
export function directoryHandoverPaths(): Record<string, Json> {
  const user = { name: 'id', in: 'path', required: true, description: 'user id (UUID)', schema: { type: 'string', format: 'uuid' } };
  return {
    '/users/{id}/hand-to-directory': {
      post: {
        tags: ['accounts'],
        summary: 'Hand a password owner/admin to the SCIM directory (owners only): SCIM then lists, changes, suspends and deletes them; their password and role stay, externalId becomes their sign-in email',
        security: bearer,
        parameters: [user],
        responses: {
          200: json(ref('Self'), 'The person, now managed_by scim'),
          400: error('invalid-id'),
          401: error('missing or invalid access token'),
          403: error('owner-only / owner-in-directory (only an owner outside the directory may hand people over)'),
          404: error('user-not-found'),
          409: error('already-in-directory / cannot-hand-over-self / external-id-taken / user-changed'),
        },
      },
    },
  };
}
