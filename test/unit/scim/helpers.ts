import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScimError } from '../../../src/scim/errors';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const WIRE = 'urn:wire:scim:schemas:profile:1.0';
export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** A recorded client request body from test/fixtures/scim. */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, '../../fixtures/scim', name), 'utf8')) as T;
}

export function patchBody(...operations: unknown[]) {
  return { schemas: [PATCH_OP], Operations: operations };
}

/** Runs `fn` and returns the ScimError it throws (fails the test if it throws nothing or something else). */
export function scimErrorOf(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError, but nothing was thrown');
}
