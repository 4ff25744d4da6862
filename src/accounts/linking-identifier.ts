import { linkingIdentifier } from '../scim/profile';
import type { User } from '../store/port';

/**
 * The identifier that links a user to their sign-in at the team's IdP (the SAML NameID): the
 * directory userName for users written under the directory SCIM profile, else `externalId`
 * (src/scim/profile.ts decides, per user, so a profile switch never changes it).
 */
export function linkingIdentifierOf(user: Pick<User, 'externalId' | 'handle' | 'userName'>): string | null {
  return linkingIdentifier({ userName: user.userName ?? null, externalId: user.externalId });
}
