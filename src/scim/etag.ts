/**
 * Conditional requests on SCIM resources (RFC 7644 §3.14, RFC 7232): the ETag is the weak
 * `W/"<version>"` of the stored record, and weak comparison is used for both headers.
 */
import { ScimError } from './errors';

/** `W/"3"` and `"3"` compare equal under weak comparison (RFC 7232 §2.3.2); a bare `3` is read as `"3"` (some clients drop the quotes). */
const opaque = (tag: string) => tag.trim().replace(/^W\//i, '').replace(/^"(.*)"$/, '$1');

/** The entity tags listed in an If-Match / If-None-Match header ("*" stays "*"). */
function listedTags(header: string): string[] {
  return header.split(',').map((t) => t.trim()).filter((t) => t !== '');
}

function matches(header: string, etag: string): boolean {
  const current = opaque(etag);
  return listedTags(header).some((tag) => tag === '*' || opaque(tag) === current);
}

/** PUT/PATCH/DELETE: a stale If-Match means another writer got there first → 412 (`stale`), nothing changes. */
export function checkIfMatch(header: string | undefined, etag: string, stale?: () => ScimError): void {
  if (header === undefined || header.trim() === '') return;
  if (!matches(header, etag)) {
    throw stale?.() ?? new ScimError(412, `The resource has changed: If-Match ${header.trim()} does not match the current version ${etag}. GET it again and retry with the new ETag.`);
  }
}

/** GET: true when the client already holds this version (answer 304 without a body). */
export function isNotModified(header: string | undefined, etag: string): boolean {
  return header !== undefined && header.trim() !== '' && matches(header, etag);
}
