/**
 * Conditional requests on SCIM resources (RFC 7644 §3.14, RFC 7232): the ETag is the weak
 * `W/"<version>"` of the stored record, and weak comparison is used for both headers. A group read
 * with its members gets `W/"<version>.<digest>"`: the members' names can change without the group's
 * version (see groupETag). Writes (If-Match) precondition on the version alone, the part before the
 * dot; reads (If-None-Match) compare the whole tag, since they revalidate what was shown.
 */
import { createHash } from 'node:crypto';
import type { GroupMember } from '../store/port';
import { ScimError } from './errors';
import { formatVersion } from './user-input';

/** `W/"3"` and `"3"` compare equal under weak comparison (RFC 7232 §2.3.2); a bare `3` is read as `"3"` (some clients drop the quotes). */
const opaque = (tag: string) => tag.trim().replace(/^W\//i, '').replace(/^"(.*)"$/, '$1');

/** The entity tags listed in an If-Match / If-None-Match header ("*" stays "*"). */
function listedTags(header: string): string[] {
  return header.split(',').map((t) => t.trim()).filter((t) => t !== '');
}

/** `3` of `W/"3"` and of a group's `W/"3.Zm9vYmFy"`. */
const versionOf = (tag: string) => opaque(tag).split('.')[0];

function matches(header: string, etag: string, compared: (tag: string) => string | undefined): boolean {
  const current = compared(etag);
  return listedTags(header).some((tag) => tag === '*' || compared(tag) === current);
}

/**
 * A group's ETag. Its members' `display` (the users' displayName) and the list itself when a member
 * user is deleted change without a group write, and bumping every group of a renamed user would cost
 * every user write; so a representation that lists members is tagged with a digest of what it shows
 * of them (id and display, in order): one hash over rows already loaded, no extra query.
 */
export function groupETag(version: number, members: readonly GroupMember[] | undefined): string {
  if (!members || members.length === 0) return formatVersion(version);
  const shown = members.map((m) => `${m.id}\u0000${m.displayName}`).join('\u0001');
  return `W/"${version}.${createHash('sha256').update(shown).digest('base64url').slice(0, 16)}"`;
}

/** PUT/PATCH/DELETE: a stale If-Match means another writer got there first → 412 (`stale`), nothing changes. */
export function checkIfMatch(header: string | undefined, etag: string, stale?: () => ScimError): void {
  if (header === undefined || header.trim() === '') return;
  if (!matches(header, etag, versionOf)) {
    throw stale?.() ?? new ScimError(412, `The resource has changed: If-Match ${header.trim()} does not match the current version ${etag}. GET it again and retry with the new ETag.`);
  }
}

/** GET: true when the client already holds this version (answer 304 without a body). */
export function isNotModified(header: string | undefined, etag: string): boolean {
  return header !== undefined && header.trim() !== '' && matches(header, etag, opaque);
}
