import { X509Certificate } from 'node:crypto';

/** Base64 body of a certificate with every bit of whitespace removed (metadata wraps it freely). */
export function certificateBody(pemOrBase64: string): string {
  return pemOrBase64
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '');
}

/** RFC 7468 PEM with 64-column lines, the one shape node:crypto, xml-crypto and node-saml all accept. */
export function toPem(pemOrBase64: string): string {
  const body = certificateBody(pemOrBase64);
  const lines = body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Parses a certificate given as PEM or bare base64; throws with a short reason if it is not one. */
export function parseCertificate(pemOrBase64: string): X509Certificate {
  const body = certificateBody(pemOrBase64);
  if (body.length === 0) throw new Error('empty certificate');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) throw new Error('certificate is not base64');
  return new X509Certificate(Buffer.from(body, 'base64'));
}

/** Same certificate regardless of PEM armour or line wrapping. */
export function sameCertificate(a: string, b: string): boolean {
  return certificateBody(a) === certificateBody(b);
}

// Parsing a certificate costs as much as a fifth of a signature check; the ACS sees the same few
// stored IdP certificates over and over, so parsed ones are kept (bounded, by exact body).
const parsed = new Map<string, X509Certificate>();
const MAX_CACHED = 256;

/** parseCertificate, memoised by certificate body (X509Certificate objects are immutable). */
export function parseCertificateCached(pemOrBase64: string): X509Certificate {
  const body = certificateBody(pemOrBase64);
  const hit = parsed.get(body);
  if (hit) return hit;
  const x509 = parseCertificate(body);
  if (parsed.size >= MAX_CACHED) parsed.delete(parsed.keys().next().value!);
  parsed.set(body, x509);
  return x509;
}
