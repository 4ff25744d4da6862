/**
 * The one error type. Thrown anywhere, rendered by the one error middleware: as
 * `{"code","label","message"}` on the account API, as an RFC 7644 §3.12 body on SCIM routes,
 * as a page on HTML routes.
 */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly label: string,
    message: string,
    /** RFC 7644 scimType, when the error is a SCIM client mistake. */
    public readonly scimType?: string,
    /** Extra response headers (e.g. WWW-Authenticate). */
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (label: string, message: string, scimType?: string) =>
  new AppError(400, label, message, scimType);
export const forbidden = (label: string, message: string) => new AppError(403, label, message);
export const notFound = (label: string, message: string) => new AppError(404, label, message);
export const conflict = (label: string, message: string, scimType?: string) =>
  new AppError(409, label, message, scimType);
export const unauthorized = (label: string, message: string) =>
  new AppError(401, label, message, undefined, { 'WWW-Authenticate': 'Bearer' });
