import { loginEmailAfterWrite, validationAddressOf } from '../../../src/accounts/email-validation-service';
import type { User } from '../../../src/store/port';

const user = (overrides: Partial<User>): User => ({
  id: 'u1', teamId: 't1', handle: 'jane', email: null, displayName: 'Jane', role: 'member', status: 'active', managedBy: 'scim',
  externalId: 'Jane@Acme.test', passwordHash: null, idpId: null, nameId: null, scim: {}, version: 1, createdAt: '', updatedAt: '', ...overrides,
});

describe('Email validation rules', () => {
  test('When the identifier is an email address, then the address to validate is it lower-cased; otherwise there is none', () => {
    expect(validationAddressOf(user({}))).toBe('jane@acme.test');
    expect(validationAddressOf(user({ externalId: '00u1abcdEFGH' }))).toBeNull();
    expect(validationAddressOf(user({ externalId: null }))).toBeNull();
    expect(validationAddressOf(user({ externalId: 'jane <jane@acme.test>' }))).toBeNull();
  });

  test('When an SSO user with a validated address gets another address, then the sign-in email is dropped; the same address in other case keeps it', () => {
    const validated = user({ email: 'jane@acme.test' });
    expect(loginEmailAfterWrite(validated, { ...validated, externalId: 'jane.doe@acme.test' })).toBeNull();
    expect(loginEmailAfterWrite(validated, { ...validated, externalId: '00u1abcd' })).toBeNull();
    expect(loginEmailAfterWrite(validated, { ...validated, externalId: 'JANE@acme.test' })).toBe('jane@acme.test');
    expect(loginEmailAfterWrite(validated, { ...validated, displayName: 'Jane D.' })).toBe('jane@acme.test');
  });

  test('When a password user or a pending invitee gets another identifier, then their sign-in email is not touched by validation', () => {
    const password = user({ email: 'jane@acme.test', passwordHash: '$argon2id$…', managedBy: 'manual' });
    expect(loginEmailAfterWrite(password, { ...password, externalId: 'other@acme.test' })).toBe('jane@acme.test');
    const pending = user({ email: 'jane@acme.test', status: 'pending' });
    expect(loginEmailAfterWrite(pending, { ...pending, externalId: 'other@acme.test' })).toBe('jane@acme.test');
  });
});
