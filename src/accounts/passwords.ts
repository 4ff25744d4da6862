import { hash, verify } from '@node-rs/argon2';
import { badRequest } from '../http/errors';

export const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 1024;

// argon2id (the library default algorithm) with OWASP's second recommended parameter set.
const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function checkPasswordRules(password: unknown): string {
  if (typeof password !== 'string') throw badRequest('invalid-password', 'password must be a string.');
  if ([...password].length < MIN_PASSWORD_LENGTH)
    throw badRequest('invalid-password', `password must be at least ${MIN_PASSWORD_LENGTH} characters long.`);
  if (password.length > MAX_PASSWORD_LENGTH)
    throw badRequest('invalid-password', `password must be at most ${MAX_PASSWORD_LENGTH} characters long.`);
  return password;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verifying against a fixed hash when the account is unknown keeps response time the same.
let dummyHash: Promise<string> | null = null;

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (!passwordHash) {
    dummyHash ??= hashPassword('gatehouse-timing-equaliser');
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
