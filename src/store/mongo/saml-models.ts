import { Schema, type Connection } from 'mongoose';
import type { IdentityProvider } from '../port';

/** SAML documents: IdP connections, outstanding AuthnRequests, the replay cache, test runs. */
/** The port's IdentityProvider with its id in `_id`, plus the entityID claim. */
export interface IdpDoc extends Omit<IdentityProvider, 'id'> {
  _id: string;
  /** entityId while the IdP is not replaced, else null: (teamId, claimedEntityId) is the unique claim. */
  claimedEntityId: string | null;
}

export interface SamlRequestDoc {
  _id: string;
  teamId: string;
  idpId: string;
  successRedirect: string | null;
  errorRedirect: string | null;
  testRunId: string | null;
  createdAt: string;
  expiresAt: string;
  consumedAt: string | null;
  /** A Date a day after expiry: the TTL index removes the document then (expired ones keep their label meanwhile). */
  purgeAt: Date;
}

export interface ReplayDoc {
  /** The cache key (assertion digest or lease name). */
  _id: string;
  /** A Date so the TTL index can expire it. */
  expiresAt: Date;
}

export interface SamlTestRunDoc {
  _id: string;
  teamId: string;
  idpId: string;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string;
  completedAt: string | null;
  /** The report as JSON text: attribute names are claim URIs full of dots, which field names cannot hold. */
  reportJson: string | null;
}

const options = { versionKey: false, minimize: false, strict: 'throw' } as const;
const nullableString = { type: String, default: null };
const requiredString = { type: String, required: true };

const idpSchema = new Schema<IdpDoc>(
  {
    _id: requiredString,
    teamId: requiredString,
    handle: nullableString,
    entityId: requiredString,
    claimedEntityId: nullableString,
    metadataXml: requiredString,
    metadataUrl: nullableString,
    signingCerts: { type: [String], default: [] },
    ssoPostUrl: nullableString,
    ssoRedirectUrl: nullableString,
    replacesId: nullableString,
    replacedById: nullableString,
    allowIdpInitiated: { type: Boolean, default: false },
    requireEncryptedAssertions: { type: Boolean, default: false },
    metadataRefreshedAt: nullableString,
    metadataRefreshError: nullableString,
    createdAt: requiredString,
    updatedAt: requiredString,
  },
  options,
);
idpSchema.index(
  { teamId: 1, claimedEntityId: 1 },
  { unique: true, name: 'idps_team_entity_id_unique', partialFilterExpression: { claimedEntityId: { $type: 'string' } } },
);
idpSchema.index({ teamId: 1, handle: 1 }, { unique: true, name: 'idps_team_handle_unique', partialFilterExpression: { handle: { $type: 'string' } } });
idpSchema.index({ teamId: 1, entityId: 1 });
idpSchema.index({ teamId: 1, createdAt: 1, _id: 1 });
idpSchema.index({ metadataUrl: 1 }, { partialFilterExpression: { metadataUrl: { $type: 'string' } } });

const samlRequestSchema = new Schema<SamlRequestDoc>(
  {
    _id: requiredString,
    teamId: requiredString,
    idpId: requiredString,
    successRedirect: nullableString,
    errorRedirect: nullableString,
    testRunId: nullableString,
    createdAt: requiredString,
    expiresAt: requiredString,
    consumedAt: nullableString,
    purgeAt: { type: Date, required: true },
  },
  options,
);
samlRequestSchema.index({ purgeAt: 1 }, { expireAfterSeconds: 0 });
samlRequestSchema.index({ idpId: 1 });

const replaySchema = new Schema<ReplayDoc>({ _id: requiredString, expiresAt: { type: Date, required: true } }, options);
replaySchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const samlTestRunSchema = new Schema<SamlTestRunDoc>(
  {
    _id: requiredString,
    teamId: requiredString,
    idpId: requiredString,
    createdBy: nullableString,
    createdAt: requiredString,
    expiresAt: requiredString,
    completedAt: nullableString,
    reportJson: nullableString,
  },
  options,
);
samlTestRunSchema.index({ idpId: 1 });
samlTestRunSchema.index({ expiresAt: 1 });

export function createSamlModels(connection: Connection) {
  return {
    IdentityProvider: connection.model<IdpDoc>('IdentityProvider', idpSchema, 'identity_providers'),
    SamlRequest: connection.model<SamlRequestDoc>('SamlRequest', samlRequestSchema, 'saml_requests'),
    ReplayCache: connection.model<ReplayDoc>('ReplayCache', replaySchema, 'saml_replay_cache'),
    SamlTestRun: connection.model<SamlTestRunDoc>('SamlTestRun', samlTestRunSchema, 'saml_test_runs'),
  };
}
