import { foldCase } from '../case-fold';
import type { NewUser, User } from '../port';
import { emailRecords, foldUserName, sortEmail } from '../user-attributes';
import type { UserDoc } from './documents';
import { decodeKeys, encodeKeys } from './scim-keys';

/** Every stored field derived from the mutable part of a user (shadows included). */
export function mutableUserFields(user: NewUser) {
  const records = emailRecords(user.scim);
  return {
    handle: user.handle,
    handleLower: foldCase(user.handle),
    userName: user.userName ?? null,
    userNameKey: user.userName == null ? null : foldUserName(user.userName),
    strictExternalId: user.userName == null ? user.externalId : null,
    email: user.email,
    emailLower: user.email === null ? null : foldCase(user.email),
    displayName: user.displayName,
    displayNameLower: foldCase(user.displayName),
    role: user.role,
    status: user.status,
    active: user.status === 'active',
    managedBy: user.managedBy,
    externalId: user.externalId,
    passwordHash: user.passwordHash,
    idpId: user.idpId,
    nameId: user.nameId,
    scim: encodeKeys(user.scim ?? {}) as Record<string, unknown>,
    emails: records.map((e) => ({ value: e.value, valueLower: e.value === null ? null : foldCase(e.value), type: e.type, primary: e.primary, display: e.display })),
    sortEmail: sortEmail(records),
  };
}

export function newUserDoc(user: NewUser, now: string): UserDoc {
  const createdAt = user.createdAt ?? now;
  return { _id: user.id, teamId: user.teamId, ...mutableUserFields(user), version: 1, createdAt, updatedAt: createdAt };
}

export function docToUser(doc: UserDoc): User {
  return {
    id: doc._id,
    teamId: doc.teamId,
    handle: doc.handle,
    userName: doc.userName ?? null,
    email: doc.email,
    displayName: doc.displayName,
    role: doc.role,
    status: doc.status,
    managedBy: doc.managedBy,
    externalId: doc.externalId,
    passwordHash: doc.passwordHash,
    idpId: doc.idpId,
    nameId: doc.nameId,
    scim: decodeKeys(doc.scim ?? {}) as User['scim'],
    version: doc.version,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
