import { createCipheriv, createDecipheriv, hash, randomBytes } from 'node:crypto';

/**
 * Wraps the private keys and secrets Gatehouse keeps in its store with a key-encryption key (KEK)
 * from the environment: AES-256-GCM, a fresh 96-bit IV per value, the record's name as associated
 * data (a sealed value copied onto another record does not open). Without a KEK values are stored
 * marked `plain1` — readable by whoever reads the database — and the server warns at start.
 *
 * Format: `gcm1.<kek id>.<iv>.<ciphertext>.<tag>` (base64url parts) or `plain1.<value>`.
 * The KEK id (first 8 bytes of SHA-256 of the KEK) lets us name the key a value needs.
 */

const PLAIN = 'plain1';
const GCM = 'gcm1';

export class KeyWrapError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyWrapError';
  }
}

/** Parses KEY_ENCRYPTION_KEY: 32 bytes as 64 hex digits or base64/base64url (43-44 characters). */
export function parseKek(text: string, variable = 'KEY_ENCRYPTION_KEY'): Buffer {
  const value = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(value) ? Buffer.from(value, 'base64') : null;
  if (!bytes || bytes.length !== 32) {
    throw new KeyWrapError(`${variable} must be 32 random bytes, as 64 hex digits or 44 base64 characters (make one with: openssl rand -base64 32)`);
  }
  return bytes;
}

export function kekId(kek: Buffer): string {
  return hash('sha256', kek, 'hex').slice(0, 16);
}

export class KeyWrap {
  private readonly current: { id: string; key: Buffer } | null;
  private readonly byId = new Map<string, Buffer>();

  /** `kek` seals; `previous` KEKs only open (while their values are re-sealed under `kek`). */
  constructor(kek: Buffer | null, previous: Buffer[] = []) {
    this.current = kek ? { id: kekId(kek), key: kek } : null;
    for (const k of [...previous, ...(kek ? [kek] : [])]) this.byId.set(kekId(k), k);
  }

  get enabled(): boolean {
    return this.current !== null;
  }

  /** Id of the sealing KEK, or null when values are stored plain. */
  get currentKekId(): string | null {
    return this.current?.id ?? null;
  }

  seal(plaintext: string, name: string): string {
    if (!this.current) return `${PLAIN}.${Buffer.from(plaintext, 'utf8').toString('base64url')}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [GCM, this.current.id, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  open(sealed: string, name: string): string {
    const parts = sealed.split('.');
    if (parts[0] === PLAIN && parts.length === 2) return Buffer.from(parts[1]!, 'base64url').toString('utf8');
    if (parts[0] !== GCM || parts.length !== 5) throw new KeyWrapError(`${name} in the store is not in a format this version reads`);
    const [, id, iv, ciphertext, tag] = parts as [string, string, string, string, string];
    const key = this.byId.get(id);
    if (!key) {
      throw new KeyWrapError(
        this.current
          ? `${name} in the store is wrapped with key-encryption key ${id}, but KEY_ENCRYPTION_KEY is ${this.current.id}; set the key it was stored with (or name it in KEY_ENCRYPTION_KEY_PREVIOUS while you change keys)`
          : `${name} in the store is wrapped with key-encryption key ${id}, but KEY_ENCRYPTION_KEY is not set; set it to the key this store was written with`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(name, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new KeyWrapError(`${name} in the store does not open with key-encryption key ${id}: it was altered or moved from another record`);
    }
  }

  /** True when `sealed` should be re-sealed: plain while a KEK is set, or under a previous KEK. */
  needsReseal(sealed: string): boolean {
    if (!this.current) return false;
    const [format, id] = sealed.split('.');
    return format === PLAIN || (format === GCM && id !== this.current.id);
  }
}

/** The KeyWrap for this configuration (KEY_ENCRYPTION_KEY, KEY_ENCRYPTION_KEY_PREVIOUS). */
export function keyWrapFromConfig(config: { keyEncryptionKey?: string; keyEncryptionKeyPrevious?: string[] }): KeyWrap {
  const kek = config.keyEncryptionKey ? parseKek(config.keyEncryptionKey) : null;
  const previous = (config.keyEncryptionKeyPrevious ?? []).map((k) => parseKek(k, 'KEY_ENCRYPTION_KEY_PREVIOUS'));
  return new KeyWrap(kek, previous);
}
