/**
 * The team's SCIM profile and the one rule that follows from it everywhere: which stored value is
 * a person's SAML subject and how a NameID is compared with it. SCIM input, the ACS lookup, the
 * pages and the email-validation mail all ask this module, so the rule lives in one place.
 *
 * - strict (default): userName is the handle; externalId is the NameID, compared exactly.
 * - directory: userName is the IdP's login name; it is the NameID, compared case-insensitively
 *   (ASCII letters only, see foldUserName); externalId is opaque.
 *
 * The rule is decided per user, not per team: a user written under the directory profile carries
 * its userName (User.userName); one written under strict does not. Switching a team's profile
 * therefore never changes how an existing person signs in.
 */
import type { ScimProfile, Store, Team, User } from '../store/port';
import { foldUserName } from '../store/user-attributes';
export { foldUserName };
export type { ScimProfile };
export const SCIM_PROFILES: readonly ScimProfile[] = ['strict', 'directory'];
export const DEFAULT_SCIM_PROFILE: ScimProfile = 'strict';

/** One sentence on each, for the SCIM page, the CLI help and error messages. */
export const SCIM_PROFILE_SUMMARY: Record<ScimProfile, string> = {
  strict: 'userName is the person’s handle (a-z0-9_.- only, unique on this server); displayName and externalId are required, and the SAML NameID must equal externalId exactly.',
  directory: 'userName is the IdP’s login name (any text, unique in this team ignoring case), displayName and externalId are optional, and the SAML NameID must equal userName, ignoring case.',
};

export function isScimProfile(value: unknown): value is ScimProfile {
  return typeof value === 'string' && (SCIM_PROFILES as readonly string[]).includes(value);
}

export function teamScimProfile(team: Pick<Team, 'scimProfile'> | null | undefined): ScimProfile {
  return team?.scimProfile ?? DEFAULT_SCIM_PROFILE;
}

/** Which SCIM attribute a team's NameIDs must match (for pages, metadata guidance, reports). */
export function linkingAttribute(profile: ScimProfile): 'externalId' | 'userName' {
  return profile === 'directory' ? 'userName' : 'externalId';
}

/** How a team's NameID is compared, in words, for pages and the test-connection report. */
export function linkingRule(profile: ScimProfile): string {
  return profile === 'directory'
    ? 'The SAML NameID must equal the SCIM userName of the person (ignoring the case of A–Z), e.g. the UPN or login email.'
    : 'The SAML NameID must equal the SCIM externalId of the person, exactly (same case).';
}

/** The value this user's NameID must match: userName for directory users, else externalId. */
export function linkingIdentifier(user: Pick<User, 'userName' | 'externalId'>): string | null {
  return user.userName ?? user.externalId;
}

/** True when `nameId` is this user's subject under the user's own rule. */
export function subjectMatches(user: Pick<User, 'userName' | 'externalId'>, nameId: string): boolean {
  if (user.userName != null) return foldUserName(user.userName) === foldUserName(nameId);
  return user.externalId !== null && user.externalId === nameId;
}

/** True when a NameID bound at an earlier login is this one, under the user's own comparison rule. */
export function boundNameIdMatches(user: Pick<User, 'userName' | 'nameId'>, nameId: string): boolean {
  if (user.nameId === null) return false;
  return user.userName != null ? foldUserName(user.nameId) === foldUserName(nameId) : user.nameId === nameId;
}

/**
 * The provisioned user whose subject is `nameId` in this team: a directory user by userName
 * (case-insensitive), else a strict user by externalId (exact). `via` says which rule matched.
 */
export async function findProvisionedSubject(store: Store, teamId: string, nameId: string): Promise<{ user: User; via: 'userName' | 'externalId' } | null> {
  const byUserName = await store.users.findByUserName(teamId, nameId);
  if (byUserName) return { user: byUserName, via: 'userName' };
  const byExternalId = await store.users.findByExternalId(teamId, nameId);
  // A directory user's externalId is opaque: it is never a sign-in subject.
  if (byExternalId && byExternalId.userName == null) return { user: byExternalId, via: 'externalId' };
  return null;
}
