/**
 * Which parts of the product are on this branch yet. The security suite is merged while /Users,
 * /Groups and invitations land one by one; each part's tests switch on when its routes exist.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

const has = (file: string): boolean => existsSync(path.resolve(__dirname, '../../src', file));

export const USERS_MOUNTED = has('scim/user-routes.ts');
export const GROUPS_MOUNTED = has('scim/group-routes.ts');
export const INVITATIONS_MOUNTED = has('accounts/invitation-routes.ts');

export const describeIf = (on: boolean): jest.Describe => (on ? describe : describe.skip);
export const testIf = (on: boolean): jest.It => (on ? test : test.skip);
