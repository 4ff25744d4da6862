import busboy from 'busboy';
import type { RequestHandler } from 'express';
import { Readable } from 'node:stream';
import { AppError, badRequest } from '../http/errors';

/** One uploaded file of a multipart form: its name as the browser sent it and its bytes as UTF-8 text. */
export interface UploadedText {
  filename: string;
  text: string;
}

type Fields = Record<string, string | UploadedText>;

/** Marks a form field as a file in `req.body`. */
export function isUpload(value: unknown): value is UploadedText {
  return typeof value === 'object' && value !== null && typeof (value as UploadedText).filename === 'string' && typeof (value as UploadedText).text === 'string';
}

const MAX_PARTS = 20;

/**
 * `multipart/form-data` (a form with a file input) → `req.body`: text fields as strings, files as
 * UploadedText. busboy parses; page forms only upload small text documents (IdP metadata), so
 * files are kept in memory up to `limit` bytes of body in all; nothing touches the disk.
 */
export function multipartText(limit: number): RequestHandler {
  return (req, _res, next) => {
    if (!req.is('multipart/form-data')) return next();
    const declared = Number(req.get('content-length'));
    if (declared > limit) return next(tooLarge(limit));
    readMultipart(req, req.get('content-type') ?? '', limit).then((fields) => {
      req.body = fields;
      next();
    }, next);
  };
}

/** A whole multipart body (RFC 7578) with the given boundary → its fields; errors are 400s saying what to do. */
export function parseMultipart(body: Buffer, boundary: string): Promise<Fields> {
  return readMultipart(Readable.from([body]), `multipart/form-data; boundary=${boundary}`, Infinity);
}

function readMultipart(source: Readable, contentType: string, limit: number): Promise<Fields> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // Browsers send non-ASCII file names as raw UTF-8, not RFC 2231 (busboy's default is latin1).
      parser = busboy({ headers: { 'content-type': contentType }, defParamCharset: 'utf8', limits: { parts: MAX_PARTS, fieldSize: limit } });
    } catch {
      return reject(badRequest('invalid-body', 'This form could not be read (no multipart boundary). Reload the page and submit it again.'));
    }
    const fields: Fields = Object.create(null) as Fields;
    const set = (name: string, value: string | UploadedText) => {
      if (name && name !== '__proto__') fields[name] = value;
    };
    let received = 0;
    let settled = false;
    const fail = (error: AppError) => {
      if (settled) return;
      settled = true;
      source.unpipe(parser);
      parser.destroy();
      source.resume(); // drain the rest so the error page can be sent
      reject(error);
    };
    source.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) fail(tooLarge(limit));
    });
    source.on('aborted', () => fail(new AppError(400, 'request-aborted', 'The request body was not received completely.')));
    parser.on('field', (name, value) => set(name, value));
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        // No file chosen: browsers send filename="" (busboy reports no name), an upload all the same.
        set(name, { filename: info.filename ?? '', text });
      });
    });
    parser.on('partsLimit', () => fail(badRequest('invalid-body', 'This form has too many fields.')));
    parser.on('error', () => fail(unreadable()));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      resolve({ ...fields });
    });
    source.pipe(parser);
  });
}

function tooLarge(limit: number): AppError {
  return new AppError(413, 'body-too-large', `The request body is larger than the limit of ${limit} bytes.`, 'tooLarge');
}

function unreadable(): AppError {
  return badRequest('invalid-body', 'This form could not be read (a broken multipart body). Reload the page and submit it again.');
}
