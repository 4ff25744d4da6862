import { Schema, type Connection } from 'mongoose';
import { createRateLimitModel } from './rate-limits';
import { createKeyModels } from './keys-models';
import { createSamlModels } from './saml-models';
import type { AuditDoc, EmailDoc, GroupDoc, GroupMemberDoc, InvitationDoc, LockDoc, ProvisioningLogDoc, ScimTokenDoc, SessionDoc, TeamDoc, UserDoc } from './documents';

const options = { versionKey: false, minimize: false, strict: 'throw' } as const;

/**
 * `required` on a String means "present", as NOT NULL does in SQLite: '' is a value (a SCIM token
 * without description, an empty display name from an IdP). Mongoose's default refuses ''. This sets
 * it for String paths of every schema of this mongoose instance, which only this adapter uses.
 */
Schema.Types.String.checkRequired((value: unknown) => typeof value === 'string');
const nullableString = { type: String, default: null };

const teamSchema = new Schema<TeamDoc>(
  { _id: { type: String, required: true }, name: { type: String, required: true }, createdAt: { type: String, required: true }, groupManagedRoles: { type: Boolean, default: false }, validateSamlEmails: { type: Boolean, default: false }, scimProfile: { type: String, default: 'strict' } },
  options,
);

const emailSchema = new Schema<EmailDoc>(
  { value: nullableString, valueLower: nullableString, type: nullableString, primary: { type: Boolean, default: false }, display: nullableString },
  { _id: false, versionKey: false },
);

const userSchema = new Schema<UserDoc>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    handle: { type: String, required: true },
    handleLower: { type: String, required: true },
    userName: nullableString,
    userNameKey: nullableString,
    strictExternalId: nullableString,
    email: nullableString,
    emailLower: nullableString,
    displayName: { type: String, required: true },
    displayNameLower: { type: String, required: true },
    role: { type: String, required: true },
    status: { type: String, required: true },
    active: { type: Boolean, required: true },
    managedBy: { type: String, required: true },
    externalId: nullableString,
    passwordHash: nullableString,
    idpId: nullableString,
    nameId: nullableString,
    scim: { type: Schema.Types.Mixed, default: {} },
    emails: { type: [emailSchema], default: [] },
    sortEmail: nullableString,
    version: { type: Number, required: true },
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
  },
  options,
);
// Same uniqueness as SQLite; partial so the many users without email / externalId do not collide on null.
userSchema.index({ handleLower: 1 }, { unique: true, name: 'users_handle_unique' });
userSchema.index({ emailLower: 1 }, { unique: true, name: 'users_email_unique', partialFilterExpression: { emailLower: { $type: 'string' } } });
// externalId is unique per team among strict users only (directory users' may repeat: RFC 7643).
userSchema.index(
  { teamId: 1, strictExternalId: 1 },
  { unique: true, name: 'users_team_strict_external_id_unique', partialFilterExpression: { strictExternalId: { $type: 'string' } } },
);
userSchema.index({ teamId: 1, externalId: 1 }, { name: 'users_team_external_id' });
userSchema.index({ teamId: 1, userNameKey: 1 }, { unique: true, name: 'users_team_user_name_key_unique', partialFilterExpression: { userNameKey: { $type: 'string' } } });
userSchema.index({ teamId: 1, handleLower: 1 });
userSchema.index({ teamId: 1, displayNameLower: 1 });
userSchema.index({ teamId: 1, status: 1 });
userSchema.index({ teamId: 1, updatedAt: 1 });
userSchema.index({ teamId: 1, createdAt: 1, _id: 1 });
userSchema.index({ teamId: 1, 'emails.valueLower': 1 });
// The SCIM list's 'directory' scope (port.ts UserScope) counts the team minus its few password accounts, read here.
userSchema.index({ teamId: 1 }, { name: 'users_team_manual', partialFilterExpression: { managedBy: 'manual' } });
// findByNameId answers from a unique index: two users can never share (team, IdP, NameID).
userSchema.index(
  { teamId: 1, idpId: 1, nameId: 1 },
  { unique: true, name: 'users_team_idp_name_id_unique', partialFilterExpression: { nameId: { $type: 'string' } } },
);

const scimTokenSchema = new Schema<ScimTokenDoc>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    secretHash: { type: String, required: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    idpId: nullableString,
    createdAt: { type: String, required: true },
  },
  options,
);
scimTokenSchema.index({ secretHash: 1 }, { unique: true });
scimTokenSchema.index({ teamId: 1, createdAt: 1 });

const sessionSchema = new Schema<SessionDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    userId: { type: String, required: true },
    teamId: { type: String, required: true },
    createdAt: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  options,
);
sessionSchema.index({ userId: 1 });
// MongoDB removes expired sessions itself (within a minute); findValid still checks the time.
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

const auditSchema = new Schema<AuditDoc>(
  {
    _id: { type: String, required: true },
    teamId: nullableString,
    at: { type: String, required: true },
    actor: { type: { type: String, required: true }, id: nullableString, name: nullableString },
    action: { type: String, required: true },
    targetType: nullableString,
    targetId: nullableString,
    details: { type: Schema.Types.Mixed, default: {} },
  },
  options,
);
auditSchema.index({ teamId: 1, at: -1, _id: -1 });
auditSchema.index({ teamId: 1, 'actor.id': 1, at: -1, _id: -1 });
auditSchema.index({ teamId: 1, action: 1, at: -1, _id: -1 });

const provisioningLogSchema = new Schema<ProvisioningLogDoc>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    at: { type: String, required: true },
    tokenId: nullableString,
    method: { type: String, required: true },
    path: { type: String, required: true },
    status: { type: Number, required: true },
    scimType: nullableString,
    detail: nullableString,
    durationMs: { type: Number, required: true },
  },
  options,
);
provisioningLogSchema.index({ teamId: 1, at: -1, _id: -1 });

const groupSchema = new Schema<GroupDoc>(
  {
    _id: { type: String, required: true },
    teamId: { type: String, required: true },
    displayName: { type: String, required: true },
    displayNameLower: { type: String, required: true },
    externalId: nullableString,
    roleGranted: nullableString,
    version: { type: Number, required: true },
    createdAt: { type: String, required: true },
    updatedAt: { type: String, required: true },
  },
  options,
);
groupSchema.index({ teamId: 1, displayNameLower: 1 }, { unique: true, name: 'groups_team_display_name_unique' });
groupSchema.index(
  { teamId: 1, externalId: 1 },
  { unique: true, name: 'groups_team_external_id_unique', partialFilterExpression: { externalId: { $type: 'string' } } },
);
groupSchema.index({ teamId: 1, createdAt: 1, _id: 1 });
groupSchema.index({ teamId: 1, roleGranted: 1 });

const groupMemberSchema = new Schema<GroupMemberDoc>(
  {
    _id: { type: String, required: true },
    groupId: { type: String, required: true },
    userId: { type: String, required: true },
    teamId: { type: String, required: true },
    joinedAt: { type: String, required: true },
    position: { type: Number, required: true },
  },
  options,
);
groupMemberSchema.index({ groupId: 1, joinedAt: 1, position: 1 });
groupMemberSchema.index({ teamId: 1, userId: 1 });

const invitationSchema = new Schema<InvitationDoc>(
  {
    _id: { type: String, required: true },
    purpose: { type: String, default: 'invitation' },
    teamId: { type: String, required: true },
    userId: { type: String, required: true },
    email: { type: String, required: true },
    tokenHash: { type: String, required: true },
    createdAt: { type: String, required: true },
    expiresAt: { type: String, required: true },
    acceptedAt: nullableString,
    voidedAt: nullableString,
    lastSendError: nullableString,
  },
  options,
);
invitationSchema.index({ tokenHash: 1 }, { unique: true });
invitationSchema.index({ userId: 1, createdAt: -1 });

const lockSchema = new Schema<LockDoc>({ _id: { type: String, required: true }, seq: { type: Number, default: 0 } }, options);

export function createModels(connection: Connection) {
  return {
    Team: connection.model<TeamDoc>('Team', teamSchema, 'teams'),
    User: connection.model<UserDoc>('User', userSchema, 'users'),
    ScimToken: connection.model<ScimTokenDoc>('ScimToken', scimTokenSchema, 'scim_tokens'),
    Session: connection.model<SessionDoc>('Session', sessionSchema, 'sessions'),
    Audit: connection.model<AuditDoc>('Audit', auditSchema, 'audit_log'),
    ProvisioningLog: connection.model<ProvisioningLogDoc>('ProvisioningLog', provisioningLogSchema, 'provisioning_log'),
    Invitation: connection.model<InvitationDoc>('Invitation', invitationSchema, 'invitations'),
    Lock: connection.model<LockDoc>('Lock', lockSchema, 'locks'),
    Group: connection.model<GroupDoc>('Group', groupSchema, 'groups'),
    GroupMember: connection.model<GroupMemberDoc>('GroupMember', groupMemberSchema, 'group_members'),
    RateLimitWindow: createRateLimitModel(connection),
    ...createSamlModels(connection),
    ...createKeyModels(connection),
  };
}

export type Models = ReturnType<typeof createModels>;

/**
 * Creates declared indexes that are missing. Deliberately not syncIndexes(): during a rolling
 * upgrade an older instance would drop the indexes a newer one just added.
 */
export async function ensureIndexes(models: Models): Promise<void> {
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
}
