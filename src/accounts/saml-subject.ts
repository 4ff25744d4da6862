import { findProvisionedSubject } from '../scim/profile';
import type { Store, User } from '../store/port';

/**
 * The one rule for "which stored value is this user's SAML subject" (the NameID the IdP sends for
 * them), used by the ACS (who is this NameID?) and by SCIM (adoption, collisions). A user bound at
 * sign-in carries the NameID itself; a provisioned user not yet bound is named by its externalId.
 * A team's SCIM profile that matches NameIDs differently (e.g. to userName) plugs in here only.
 */
export function subjectOf(user: Pick<User, 'nameId' | 'externalId'>): string | null {
  return user.nameId ?? user.externalId;
}

/**
 * The provisioned (SCIM or invited) user a NameID names before any binding: a directory user's
 * userName ignoring A–Z case, else externalId exactly (src/scim/profile.ts, the team's SCIM profile).
 */
export async function findProvisionedBySubject(store: Store, teamId: string, nameId: string): Promise<User | null> {
  return (await findProvisionedSubject(store, teamId, nameId))?.user ?? null;
}

/**
 * Users bound to `nameId` at an IdP that may claim a user reserved for `idpId` (that IdP only, or
 * any of the team's IdPs when `idpId` is null), oldest IdP first.
 */
async function boundTo(store: Store, teamId: string, nameId: string, idpId: string | null): Promise<User[]> {
  const idps = idpId !== null ? [idpId] : (await store.idps.list(teamId)).map((i) => i.id);
  const found: User[] = [];
  for (const id of idps) {
    const user = await store.users.findByNameId(teamId, id, nameId);
    if (user) found.push(user);
  }
  return found;
}

/**
 * A just-in-time user the directory adopts instead of creating a twin (issue 14): signed up through
 * SSO (managed_by sso), bound to NameID = `externalId` at the provisioning token's IdP (any IdP if
 * the token names none and exactly one such user exists).
 */
export async function findAdoptable(store: Store, teamId: string, externalId: string, tokenIdpId: string | null): Promise<User | null> {
  const candidates = (await boundTo(store, teamId, externalId, tokenIdpId)).filter((u) => u.managedBy === 'sso' && u.externalId === null);
  return candidates.length === 1 ? candidates[0]! : null;
}

/** Who already holds `subject` in the team (as externalId or bound NameID): named in a 409. */
export async function findSubjectHolder(store: Store, teamId: string, subject: string, idpId: string | null, exceptUserId?: string): Promise<User | null> {
  const byExternalId = await store.users.findByExternalId(teamId, subject);
  if (byExternalId && byExternalId.id !== exceptUserId) return byExternalId;
  return (await boundTo(store, teamId, subject, idpId)).find((u) => u.id !== exceptUserId) ?? null;
}

/**
 * The bound NameID after a directory sets `nextExternalId`: kept when the new externalId is the
 * subject the user already signs in with (how Okta and Entra ID adopt existing accounts), or when
 * externalId did not change; otherwise cleared, to be bound again by the new externalId at next sign-in.
 */
export function nameIdAfterExternalIdChange(current: Pick<User, 'nameId' | 'externalId'>, nextExternalId: string | null): string | null {
  if (nextExternalId === current.externalId) return current.nameId;
  return nextExternalId !== null && nextExternalId === current.nameId ? current.nameId : null;
}
