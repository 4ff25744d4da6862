import { randomBytes } from 'node:crypto';
import { loadConfig, ConfigError } from '../../../src/config';
import { KeyWrap, KeyWrapError, kekId, parseKek } from '../../../src/secrets/key-wrap';

describe('Key-encryption key wrapping (AES-256-GCM)', () => {
  const kek = randomBytes(32);
  const wrap = new KeyWrap(kek);

  test('When a value is sealed with a KEK, then the stored text does not contain it and opens back to it', () => {
    const sealed = wrap.seal('-----BEGIN PRIVATE KEY-----secret', 'sp-key:1');
    expect(sealed).toMatch(/^gcm1\./);
    expect(sealed).not.toContain('PRIVATE KEY');
    expect(wrap.open(sealed, 'sp-key:1')).toBe('-----BEGIN PRIVATE KEY-----secret');
    // A fresh IV each time: the same value never seals to the same text.
    expect(wrap.seal('x', 'n')).not.toBe(wrap.seal('x', 'n'));
  });

  test('When an attacker with write access to the store copies a sealed key onto another record, then it does not open there', () => {
    const sealed = wrap.seal('key material', 'sp-key:a');
    expect(() => wrap.open(sealed, 'sp-key:b')).toThrow(/altered or moved/);
  });

  test('When a sealed value is altered by one bit, then opening it fails', () => {
    const parts = wrap.seal('key material', 'n').split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] ^= 1;
    parts[3] = ct.toString('base64url');
    expect(() => wrap.open(parts.join('.'), 'n')).toThrow(KeyWrapError);
  });

  test('When the store was wrapped with a KEK and the server starts without one or with another, then the error names the key id it needs', () => {
    const sealed = wrap.seal('v', 'n');
    expect(() => new KeyWrap(null).open(sealed, 'n')).toThrow(new RegExp(`key-encryption key ${kekId(kek)}, but KEY_ENCRYPTION_KEY is not set`));
    expect(() => new KeyWrap(randomBytes(32)).open(sealed, 'n')).toThrow(/KEY_ENCRYPTION_KEY_PREVIOUS/);
  });

  test('When no KEK is set, then values are stored marked plain; once one is set they need re-sealing, and a previous KEK still opens them', () => {
    const plain = new KeyWrap(null).seal('v', 'n');
    expect(plain).toMatch(/^plain1\./);
    expect(wrap.needsReseal(plain)).toBe(true);
    expect(wrap.open(plain, 'n')).toBe('v');
    const next = new KeyWrap(randomBytes(32), [kek]);
    const old = wrap.seal('v', 'n');
    expect(next.needsReseal(old)).toBe(true);
    expect(next.open(old, 'n')).toBe('v');
    expect(next.needsReseal(next.seal('v', 'n'))).toBe(false);
  });

  test('When KEY_ENCRYPTION_KEY is not 32 bytes, then the configuration is refused naming the variable and how to make one', () => {
    expect(() => parseKek('short')).toThrow(/openssl rand -base64 32/);
    expect(parseKek(kek.toString('hex'))).toEqual(kek);
    expect(parseKek(kek.toString('base64'))).toEqual(kek);
    expect(() => loadConfig({ KEY_ENCRYPTION_KEY: 'not-a-key' })).toThrow(ConfigError);
    expect(() => loadConfig({ KEY_ENCRYPTION_KEY: 'not-a-key' })).toThrow(/KEY_ENCRYPTION_KEY must be 32 random bytes/);
    expect(loadConfig({ KEY_ENCRYPTION_KEY: kek.toString('base64') }).keyEncryptionKey).toBe(kek.toString('base64'));
  });
});
