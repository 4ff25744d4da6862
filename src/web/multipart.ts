import type { RequestHandler } from 'express';
import express from 'express';
import { AppError, badRequest } from '../http/errors';

/** One uploaded file of a multipart form: its name as the browser sent it and its bytes as UTF-8 text. */
export interface UploadedText {
  filename: string;
  text: string;
}

/** Marks a form field as a file in `req.body`. */
export function isUpload(value: unknown): value is UploadedText {
  return typeof value === 'object' && value !== null && typeof (value as UploadedText).filename === 'string' && typeof (value as UploadedText).text === 'string';
}

const MAX_PARTS = 20;

/**
 * `multipart/form-data` (a form with a file input) → `req.body`: text fields as strings, files as
 * UploadedText. Page forms only upload small text documents (IdP metadata), so the whole body is
 * read into memory up to `limit` and split on the boundary; nothing touches the disk.
 */
export function multipartText(limit: number): RequestHandler {
  const raw = express.raw({ type: 'multipart/form-data', limit });
  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    raw(req, res, (err?: unknown) => {
      if (err) return next(err);
      try {
        const boundary = boundaryOf(req.get('content-type') ?? '');
        req.body = parseMultipart(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), boundary);
        next();
      } catch (e) {
        next(e);
      }
    });
  };
}

function boundaryOf(contentType: string): string {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw badRequest('invalid-body', 'This form could not be read (no multipart boundary). Reload the page and submit it again.');
  return boundary;
}

/** RFC 7578 bodies: `--boundary CRLF headers CRLF CRLF content CRLF --boundary … --boundary--`. */
export function parseMultipart(body: Buffer, boundary: string): Record<string, string | UploadedText> {
  const fields: Record<string, string | UploadedText> = Object.create(null) as Record<string, string | UploadedText>;
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw unreadable();
  let parts = 0;
  for (;;) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === '--') break; // closing delimiter
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') throw unreadable();
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw unreadable();
    const headers = body.subarray(pos, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw unreadable();
    const content = body.subarray(headerEnd + 4, next).toString('utf8');
    if (++parts > MAX_PARTS) throw badRequest('invalid-body', 'This form has too many fields.');
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    if (name && name !== '__proto__') fields[name] = filename !== undefined ? { filename, text: content } : content;
    pos = next + 2;
  }
  return { ...fields };
}

function unreadable(): AppError {
  return badRequest('invalid-body', 'This form could not be read (a broken multipart body). Reload the page and submit it again.');
}
