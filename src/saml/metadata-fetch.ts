import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { MAX_METADATA_BYTES } from './idp-metadata';
import { isForbiddenAddress } from './ip-ranges';

export type MetadataFetchErrorLabel =
  | 'metadata-url-invalid'
  | 'metadata-url-insecure'
  | 'metadata-url-forbidden-address'
  | 'metadata-url-redirect'
  | 'metadata-url-unreachable'
  | 'metadata-url-timeout'
  | 'metadata-url-too-large'
  | 'metadata-url-status';

export class MetadataFetchError extends Error {
  constructor(
    readonly label: MetadataFetchErrorLabel,
    message: string,
  ) {
    super(message);
    this.name = 'MetadataFetchError';
  }
}

export interface MetadataFetchOptions {
  /** Development/tests only: http:// and private/loopback addresses allowed. */
  allowInsecure: boolean;
  timeoutMs?: number;
  maxBytes?: number;
}

export const METADATA_FETCH_TIMEOUT_MS = 5000;

/** Checks the shape of a metadata URL (no network). Returns the parsed URL. */
export function checkMetadataUrl(value: unknown, allowInsecure: boolean): URL {
  if (typeof value !== 'string' || value.length > 2048 || !URL.canParse(value))
    throw new MetadataFetchError('metadata-url-invalid', 'metadata_url must be an absolute https:// URL of at most 2048 characters.');
  const url = new URL(value);
  if (url.protocol !== 'https:' && !(allowInsecure && url.protocol === 'http:'))
    throw new MetadataFetchError('metadata-url-insecure', `metadata_url must use https:// (got ${url.protocol}); plain http is allowed only with ALLOW_INSECURE_METADATA_URLS for local development.`);
  if (url.username || url.password) throw new MetadataFetchError('metadata-url-invalid', 'metadata_url must not contain a user name or password.');
  if (!allowInsecure) {
    // An address literal is checked here; names are checked on every resolution (see guardedLookup).
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && isForbiddenAddress(host)) throw forbiddenAddress(url.hostname, host);
    if (host === 'localhost' || host.endsWith('.localhost')) throw forbiddenAddress(url.hostname, '127.0.0.1');
  }
  return url;
}

function forbiddenAddress(host: string, address: string): MetadataFetchError {
  return new MetadataFetchError(
    'metadata-url-forbidden-address',
    `metadata_url host ${host} resolves to ${address}, a private, loopback or link-local address; Gatehouse only fetches metadata from public addresses.`,
  );
}

/**
 * The lookup the socket connects with: every address is vetted at connection time, so a name
 * that resolves to a public address when checked and to 127.0.0.1 when used (DNS rebinding)
 * cannot slip through.
 */
function guardedLookup(allowInsecure: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const bad = allowInsecure ? undefined : addresses.find((a) => isForbiddenAddress(a.address));
      if (bad) return callback(forbiddenAddress(hostname, bad.address), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`no address for ${hostname}`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * GETs IdP metadata: https only (unless the development setting is on), public addresses only,
 * no redirects (a redirect could lead to an internal address; the admin can give the final URL),
 * a short timeout for the whole exchange and a size cap counted on the wire.
 */
export function fetchMetadata(value: string, options: MetadataFetchOptions): Promise<string> {
  const url = checkMetadataUrl(value, options.allowInsecure);
  const timeoutMs = options.timeoutMs ?? METADATA_FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? MAX_METADATA_BYTES;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null, body?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        request.destroy();
        reject(err);
      } else resolve(body!);
    };
    const request = client.request(
      url,
      {
        method: 'GET',
        lookup: guardedLookup(options.allowInsecure),
        headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml;q=0.9', 'user-agent': 'Gatehouse metadata fetch' },
        agent: false,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          const location = response.headers.location ? ` to ${String(response.headers.location).slice(0, 300)}` : '';
          response.resume();
          return finish(new MetadataFetchError('metadata-url-redirect', `metadata_url answered ${status} (a redirect${location}); give the final URL of the metadata document, redirects are not followed.`));
        }
        if (status !== 200) {
          response.resume();
          return finish(new MetadataFetchError('metadata-url-status', `metadata_url answered HTTP ${status}; expected 200 with the metadata XML.`));
        }
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) return finish(tooLarge(maxBytes));
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return finish(tooLarge(maxBytes));
          chunks.push(chunk);
        });
        response.on('end', () => finish(null, Buffer.concat(chunks).toString('utf8')));
        response.on('error', (err) => finish(unreachable(url, err)));
      },
    );
    const timer = setTimeout(
      () => finish(new MetadataFetchError('metadata-url-timeout', `metadata_url did not answer within ${timeoutMs / 1000} seconds.`)),
      timeoutMs,
    );
    request.on('error', (err) => finish(err instanceof MetadataFetchError ? err : unreachable(url, err)));
    request.end();
  });
}

function tooLarge(maxBytes: number): MetadataFetchError {
  return new MetadataFetchError('metadata-url-too-large', `the document at metadata_url is larger than ${maxBytes} bytes; that is not IdP metadata.`);
}

function unreachable(url: URL, err: Error): MetadataFetchError {
  const code = (err as NodeJS.ErrnoException).code;
  return new MetadataFetchError('metadata-url-unreachable', `metadata_url ${url.host} could not be fetched (${code ?? err.message}).`);
}
