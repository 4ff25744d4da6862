import { randomUUID } from 'node:crypto';
import { uniqueHandle } from '../accounts/handles';
import type { IdentityProvider, NewUser, Store, Team, User } from '../store/port';
import { boundNameIdMatches, findProvisionedSubject, linkingAttribute, teamScimProfile } from '../scim/profile';
import { NAMEID_EMAIL, NAMEID_UNSPECIFIED } from './nameid';
import { refuse } from './sso-refusal';
import type { SamlAssertion } from './signed-assertion';

/** What the ACS will do for this assertion's subject; in test mode it is reported, not done. */
export type UserPlan =
  | { action: 'sign-in'; user: User }
  | { action: 'bind'; user: User }
  /** An invited (pending) user signing in through the team's IdP with NameID = externalId: activated, invitation consumed. */
  | { action: 'activate'; user: User }
  | { action: 'move'; user: User; fromIdpId: string }
  | { action: 'create'; user: NewUser };

const EMAIL_SHAPED = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** How many rotations back `replaces` is followed (A replaced by B replaced by C…). */
const MAX_REPLACE_DEPTH = 10;

/** The SCIM ⇄ SAML rule (PRODUCT.md): an email-shaped externalId is an emailAddress NameID, anything else unspecified. */
export function nameIdFormatFor(externalId: string): string {
  return EMAIL_SHAPED.test(externalId) ? NAMEID_EMAIL : NAMEID_UNSPECIFIED;
}

function shortFormat(format: string): string {
  return format.slice(format.lastIndexOf(':') + 1);
}

function checkStatus(user: User): User {
  if (user.status === 'suspended')
    throw refuse('account-suspended', `user ${user.handle} is suspended in this team; an admin (or the SCIM directory) must reinstate it.`);
  if (user.status === 'pending')
    throw refuse('account-pending', `user ${user.handle} has not been activated yet.`);
  return user;
}

/** Attribute names IdPs use for a person's name: Entra/ADFS claim URIs, Okta/Google/Keycloak short names. */
const DISPLAY_NAME = ['displayName', 'http://schemas.microsoft.com/identity/claims/displayname', 'name', 'urn:oid:2.16.840.1.113730.3.1.241', 'cn'];
const GIVEN_NAME = ['givenName', 'firstName', 'first_name', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname', 'urn:oid:2.5.4.42'];
const SURNAME = ['surname', 'sn', 'lastName', 'last_name', 'familyName', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname', 'urn:oid:2.5.4.4'];

function firstAttribute(attributes: Record<string, string[]>, names: string[]): string | undefined {
  for (const name of names) {
    const value = attributes[name]?.find((v) => v.trim().length > 0);
    if (value) return value.trim();
  }
  return undefined;
}

/** displayName from the assertion's name attributes, else the NameID; 1–128 code points like SCIM's. */
export function displayNameFrom(assertion: Pick<SamlAssertion, 'attributes' | 'nameId'>): string {
  const full = firstAttribute(assertion.attributes, DISPLAY_NAME);
  const joined = [firstAttribute(assertion.attributes, GIVEN_NAME), firstAttribute(assertion.attributes, SURNAME)].filter(Boolean).join(' ');
  const name = full ?? (joined || assertion.nameId);
  return [...name.replace(/[\u0000-\u001f\u007f]/g, ' ')].slice(0, 128).join('');
}

/**
 * Finds who this assertion signs in, in the order of PRODUCT.md: the user bound to (IdP, NameID);
 * a user of an IdP this one replaces (moves over); a SCIM user whose externalId is the NameID
 * (exact, format matching); else just-in-time signup only while the team has no SCIM token.
 * Reads only: the caller applies the plan (or, in test mode, reports it).
 */
export async function planUser(store: Store, team: Team, idp: IdentityProvider, assertion: SamlAssertion): Promise<UserPlan> {
  const { nameId } = assertion;
  const bound = await store.users.findByNameId(team.id, idp.id, nameId);
  if (bound) return { action: 'sign-in', user: checkStatus(bound) };

  const replacedChain = await replacedIdps(store, idp);
  for (const oldIdpId of replacedChain) {
    const old = await store.users.findByNameId(team.id, oldIdpId, nameId);
    if (old) return { action: 'move', user: checkStatus(old), fromIdpId: oldIdpId };
  }

  // Which stored value is the subject, and how it is compared, is src/scim/profile.ts's rule.
  const subject = await findProvisionedSubject(store, team.id, nameId);
  const scimUser = subject?.user ?? null;
  if (subject && scimUser && scimUser.managedBy === 'scim') {
    // A directory user's userName may be email-shaped or not whatever format the IdP sends (either accepted format).
    const expected = subject.via === 'externalId' ? nameIdFormatFor(scimUser.externalId!) : assertion.nameIdFormat;
    if (assertion.nameIdFormat !== expected)
      throw refuse(
        'nameid-format-mismatch',
        `the NameID "${nameId}" arrived with format ${shortFormat(assertion.nameIdFormat)}, but the SCIM user with this externalId needs format ${shortFormat(expected)} (an email-shaped externalId means emailAddress, anything else unspecified).`,
      );
    // A user already bound (or reserved by an IdP-bound SCIM token) belongs to that IdP only.
    const ownIdps = new Set([idp.id, ...replacedChain]);
    // Reserved for no IdP while the team has several: the first IdP to sign the person in must not win.
    if (scimUser.idpId === null && (await store.idps.list(team.id)).filter((i) => i.replacedById === null).length > 1)
      throw refuse(
        'idp-not-chosen',
        `the SCIM user with ${subject.via} "${nameId}" was provisioned by a token that names no identity provider, and this team has several; provision it again through a token bound to the IdP it signs in with.`,
      );
    if (scimUser.idpId !== null && (!ownIdps.has(scimUser.idpId) || (scimUser.nameId !== null && !boundNameIdMatches(scimUser, nameId))))
      throw refuse('bound-to-another-idp', `the SCIM user with ${subject.via} "${nameId}" belongs to another identity provider of this team (${scimUser.idpId}); it can only sign in there.`);
    // Invited while the team had no IdP: signing in through the IdP the team connected since is the
    // way an email/password team moves to SSO (the invitation is consumed, the person never needs a password).
    if (scimUser.status === 'pending') return { action: 'activate', user: scimUser };
    return { action: 'bind', user: checkStatus(scimUser) };
  }

  // Checked again, atomically with the insert, when the plan is applied (acs-apply).
  if ((await store.scimTokens.countByTeam(team.id)) > 0) throw notProvisioned(nameId, linkingAttribute(teamScimProfile(team)));
  return { action: 'create', user: await newSsoUser(store, team, idp, assertion) };
}

/** `attribute`: the SCIM attribute the team links NameIDs to (profile.ts linkingAttribute): userName on the directory profile. */
export function notProvisioned(nameId: string, attribute: 'externalId' | 'userName') {
  return refuse(
    'not-provisioned',
    `no user of this team has NameID "${nameId}" and the team provisions users through SCIM, so sign-up at first login is off; an admin must provision this person through SCIM (${attribute} = "${nameId}").`,
  );
}

async function replacedIdps(store: Store, idp: IdentityProvider): Promise<string[]> {
  const chain: string[] = [];
  let next = idp.replacesId;
  while (next && chain.length < MAX_REPLACE_DEPTH && !chain.includes(next) && next !== idp.id) {
    chain.push(next);
    next = (await store.idps.get(idp.teamId, next))?.replacesId ?? null;
  }
  return chain;
}

async function newSsoUser(store: Store, team: Team, idp: IdentityProvider, assertion: SamlAssertion): Promise<NewUser> {
  const displayName = displayNameFrom(assertion);
  const emailShaped = EMAIL_SHAPED.test(assertion.nameId);
  return {
    id: randomUUID(),
    teamId: team.id,
    handle: await uniqueHandle(store, emailShaped ? assertion.nameId : displayName),
    // The sign-in email column is for password users and unique on the whole instance; an SSO
    // user's address is kept as a SCIM email instead, so the same person can be in two teams.
    email: null,
    displayName,
    role: 'member',
    status: 'active',
    managedBy: 'sso',
    externalId: null,
    passwordHash: null,
    idpId: idp.id,
    nameId: assertion.nameId,
    scim: emailShaped ? { emails: [{ value: assertion.nameId, primary: true }] } : {},
  };
}
