import type { User } from '../store/port';

/**
 * The identifier that links a user to their sign-in at the team's IdP (the SAML NameID):
 * `externalId` in the strict SCIM profile. The directory profile (issue 15) links by `userName`
 * instead; when it lands, this is the one place to switch (give it the team's profile).
 */
export function linkingIdentifierOf(user: Pick<User, 'externalId' | 'handle'>): string | null {
  return user.externalId;
}
