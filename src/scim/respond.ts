import type { Response } from 'express';
import { LIST_RESPONSE_SCHEMA } from './schemas';
import type { ScimResource } from './values';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Every SCIM body goes out as application/scim+json (RFC 7644 §3.1). */
export function sendScim(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.status(status).setHeader('Content-Type', SCIM_CONTENT_TYPE);
  if (status >= 400) {
    res.send(text); // through res.send, where the provisioning log reads error details
    return;
  }
  // A success body needs none of res.send's work (type sniffing, ETag, freshness): length and end.
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** RFC 7644 §3.4.2 ListResponse. */
export function listResponse(resources: ScimResource[], totalResults: number, startIndex: number): ScimResource {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults, startIndex, itemsPerPage: resources.length, Resources: resources };
}
