import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import type { Logger } from 'pino';
import { ScimError, toScimErrorBody, type ScimType } from '../scim/errors';
import { AppError } from './errors';

export type ErrorFormat = 'json' | 'scim' | 'html';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      id: string;
      log: Logger;
    }
  }
}

/**
 * Request id + one access-log line per request (method, path without query, status, ms). `req.log`
 * (a child logger carrying the request id) is made on first use: most requests never log anything
 * but their access line, and a child logger per request was a measurable share of a SCIM lookup.
 */
export function requestContext(logger: Logger, request: object): RequestHandler {
  Object.defineProperty(request, 'log', {
    configurable: true,
    get(this: Request & { _log?: Logger }) {
      return (this._log ??= logger.child({ reqId: this.id }));
    },
  });
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    req.id = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({ reqId: req.id, method: req.method, path: fullPath(req), status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}

/**
 * The path as the client sent it, mount prefix included (`req.path` inside a router mounted at
 * /scim/v2 is `/Users`), without the query string: queries carry filters with personal data and,
 * on some links, secrets (`?token=`).
 */
export function fullPath(req: Request): string {
  const url = req.originalUrl;
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * Helmet's headers, computed once. With fixed options helmet sets the same headers on every
 * response; running its dozen sub-middlewares per request cost more than setting the result.
 * test/security checks the headers a response carries.
 */
export function securityHeaders(helmetMiddleware: RequestHandler): RequestHandler {
  const headers: Array<[string, string]> = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  let called = false;
  helmetMiddleware({} as Request, recorder as unknown as Response, () => {
    called = true;
  });
  if (!called) throw new Error('helmet did not finish synchronously; its headers cannot be computed once');
  return staticHeaders(headers);
}

/** Sets the same headers on every response. */
export function staticHeaders(headers: ReadonlyArray<readonly [string, string]>): RequestHandler {
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/**
 * The headers of the SCIM API's JSON responses (OWASP REST Security Cheat Sheet): never cached (they
 * carry personal data), never sniffed, framed or referred, not readable cross-origin, HSTS behind TLS.
 * helmet's set is made for HTML pages; its long page CSP on each of thousands of provisioning
 * responses cost ~10 % of a lookup's throughput for nothing a JSON reply uses.
 */
export function apiSecurityHeaders(tls: boolean): RequestHandler {
  const headers: Array<[string, string]> = [
    ['Cache-Control', 'no-store'],
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
  ];
  if (tls) headers.push(['Strict-Transport-Security', 'max-age=31536000; includeSubDomains']);
  return staticHeaders(headers);
}

/** Marks how errors under this router are rendered. */
export function errorFormat(format: ErrorFormat): RequestHandler {
  return (_req, res, next) => {
    res.locals.errorFormat = format;
    next();
  };
}

const JSON_TYPES = ['application/json', 'application/scim+json', 'application/*+json'];

/** JSON body parser that answers 415 for a body of another type, instead of silently ignoring it. */
export function jsonBody(limit: string, extraTypes: string[] = []): RequestHandler[] {
  const parse = express.json({ limit, type: JSON_TYPES, strict: false });
  const guard: RequestHandler = (req, _res, next) => {
    if (!req.headers['content-type'] && !hasBody(req)) return next();
    if (!hasBody(req)) return next();
    if (req.is([...JSON_TYPES, ...extraTypes])) return next();
    next(new AppError(415, 'unsupported-media-type', `Send the body as application/json${extraTypes.length ? ` or ${extraTypes.join(', ')}` : ''} (got ${req.headers['content-type'] ?? 'no Content-Type'}).`, 'invalidSyntax'));
  };
  return [guard, parse];
}

/** jsonBody as one handler (guard, then parser), for routers where every layer counts. */
export function jsonBodyHandler(limit: string): RequestHandler {
  const [guard, parse] = jsonBody(limit) as [RequestHandler, RequestHandler];
  return (req, res, next) => guard(req, res, (error?: unknown) => (error ? next(error) : parse(req, res, next)));
}

function hasBody(req: Request): boolean {
  const len = req.headers['content-length'];
  return (len !== undefined && len !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** Unknown route: the product's 404 page for a browser (it asks for text/html first), JSON for API clients. */
export const notFoundHandler: RequestHandler = (req, res, next) => {
  if (res.locals.errorFormat === undefined && req.accepts(['application/json', 'text/html']) === 'text/html') {
    res.locals.errorFormat = 'html';
    res.setHeader('Cache-Control', 'no-store');
  }
  next(new AppError(404, 'not-found', `No route for ${req.method} ${req.path}.`, undefined));
};

/** Maps body-parser's errors (which carry `type` and `status`) to our error type. */
function fromParserError(err: { type?: string; status?: number; limit?: number }): AppError | null {
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError(400, 'malformed-json', 'The request body is not valid JSON.', 'invalidSyntax');
    case 'entity.too.large':
      return new AppError(413, 'body-too-large', `The request body is larger than the limit of ${err.limit ?? '?'} bytes.`, 'tooLarge');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'unsupported-encoding', 'Send the body as UTF-8.', 'invalidSyntax');
    case 'request.aborted':
      return new AppError(400, 'request-aborted', 'The request body was not received completely.');
    default:
      return null;
  }
}

export type HtmlErrorRenderer = (req: Request, res: Response, error: AppError) => void;


/** The one error path: AppError (or parser error) → 4xx body; anything else → 500 with request id only. */
export function errorHandler(renderHtml?: HtmlErrorRenderer): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    let error: AppError;
    if (err instanceof AppError) error = err;
    else if (err instanceof ScimError) error = new AppError(err.status, err.scimType ?? 'scim-error', err.detail, err.scimType);
    else {
      const parsed = typeof err === 'object' && err !== null ? fromParserError(err as never) : null;
      if (parsed) error = parsed;
      else {
        (req.log ?? console).error({ err }, 'unhandled error');
        error = new AppError(500, 'internal-error', `Something went wrong on our side. Quote request id ${req.id} to your operator.`);
      }
    }
    if (res.headersSent) return;
    for (const [k, v] of Object.entries(error.headers ?? {})) res.setHeader(k, v);
    const format: ErrorFormat = res.locals.errorFormat ?? 'json';
    res.status(error.status);
    if (format === 'scim') {
      res.type('application/scim+json').send(JSON.stringify(toScimErrorBody(new ScimError(error.status, error.message, error.scimType as ScimType | undefined))));
    } else if (format === 'html' && renderHtml) {
      renderHtml(req, res, error);
    } else {
      res.json({ code: error.status, label: error.label, message: error.message });
    }
  };
}
