import mongoose, { type Connection } from 'mongoose';
import type { Store } from '../port';
import { MongoAuditRepo } from './audit';
import { MongoIdentityProviderRepo } from './idps';
import { MongoGroupRepo } from './groups';
import { MongoInvitationRepo } from './invitations';
import { MongoInstanceSecretRepo, MongoSpKeyRepo } from './keys';
import { createModels, ensureIndexes, type Models } from './models';
import { upgradeForScimProfiles } from './upgrade-scim-profile';
import { MongoProvisioningLogRepo } from './provisioning-log';
import { MongoRateLimitRepo } from './rate-limits';
import { MongoReplayCacheRepo } from './replay-cache';
import { MongoSamlRequestRepo } from './saml-requests';
import { MongoSamlTestRunRepo } from './saml-test-runs';
import { MongoSessionRepo } from './sessions';
import { MongoTeamRepo } from './teams';
import { MongoScimTokenRepo } from './tokens';
import { MongoUserRepo } from './users';

/** The production store: one mongoose connection; multi-document writes need a replica set (transactions). */
export class MongoStore implements Store {
  readonly kind = 'mongo' as const;
  readonly teams: MongoTeamRepo;
  readonly users: MongoUserRepo;
  readonly scimTokens: MongoScimTokenRepo;
  readonly sessions: MongoSessionRepo;
  readonly audit: MongoAuditRepo;
  readonly provisioningLog: MongoProvisioningLogRepo;
  readonly idps: MongoIdentityProviderRepo;
  readonly samlRequests: MongoSamlRequestRepo;
  readonly replayCache: MongoReplayCacheRepo;
  readonly rateLimits: MongoRateLimitRepo;
  readonly samlTestRuns: MongoSamlTestRunRepo;
  readonly groups: MongoGroupRepo;
  readonly invitations: MongoInvitationRepo;
  readonly spKeys: MongoSpKeyRepo;
  readonly secrets: MongoInstanceSecretRepo;

  constructor(
    private readonly connection: Connection,
    readonly models: Models,
  ) {
    this.audit = new MongoAuditRepo(models);
    this.users = new MongoUserRepo(connection, models, this.audit);
    this.teams = new MongoTeamRepo(connection, models, this.users);
    this.scimTokens = new MongoScimTokenRepo(connection, models);
    this.sessions = new MongoSessionRepo(models);
    this.provisioningLog = new MongoProvisioningLogRepo(models);
    this.idps = new MongoIdentityProviderRepo(connection, models);
    this.samlRequests = new MongoSamlRequestRepo(models);
    this.replayCache = new MongoReplayCacheRepo(models);
    this.rateLimits = new MongoRateLimitRepo(models.RateLimitWindow);
    this.samlTestRuns = new MongoSamlTestRunRepo(models);
    this.groups = new MongoGroupRepo(connection, models, this.audit);
    this.invitations = new MongoInvitationRepo(connection, models);
    this.spKeys = new MongoSpKeyRepo(connection, models);
    this.secrets = new MongoInstanceSecretRepo(models);
  }

  async ping(): Promise<void> {
    if (!this.connection.db) throw new Error('MongoDB connection is not open');
    await this.connection.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

export interface MongoOptions {
  /** Overrides the database named in the URI (tests use a throwaway one). */
  dbName?: string;
}

/** Connects, then creates any missing index before the first request is served. */
export async function openMongoStore(uri: string, options: MongoOptions = {}): Promise<MongoStore> {
  // autoIndex off: indexes are created once, awaited, below — not in the background per model.
  const connection = await mongoose.createConnection(uri, { autoIndex: false, ...(options.dbName ? { dbName: options.dbName } : {}) }).asPromise();
  try {
    const models = createModels(connection);
    await upgradeForScimProfiles(models);
    await ensureIndexes(models);
    return new MongoStore(connection, models);
  } catch (e) {
    await connection.close();
    throw e;
  }
}
