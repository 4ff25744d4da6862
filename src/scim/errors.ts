/**
 * The SCIM error type (RFC 7644 §3.12). Every failure in src/scim is a ScimError, so the HTTP layer
 * renders one body shape for all of them and a client mistake can never surface as a 500.
 */
export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** RFC 7644 §3.12, table 9. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export interface ScimErrorBody {
  schemas: [typeof SCIM_ERROR_SCHEMA];
  /** The HTTP status as a string, as RFC 7644 §3.12 spells it. */
  status: string;
  scimType?: ScimType;
  detail: string;
}

export class ScimError extends Error {
  constructor(
    public readonly status: number,
    public readonly detail: string,
    public readonly scimType?: ScimType,
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  toScimErrorBody(): ScimErrorBody {
    return toScimErrorBody(this);
  }
}

export function toScimErrorBody(error: ScimError): ScimErrorBody {
  const body: ScimErrorBody = { schemas: [SCIM_ERROR_SCHEMA], status: String(error.status), detail: error.detail };
  if (error.scimType !== undefined) body.scimType = error.scimType;
  return body;
}

/** A 400 with a scimType: the shape of nearly every client mistake. */
export const scimBadRequest = (scimType: ScimType, detail: string) => new ScimError(400, detail, scimType);

/**
 * A filter (or PATCH path) the parser rejected. `position` is the 0-based offset in the text where
 * the problem starts; `detail` repeats it 1-based for people.
 */
export class ScimFilterError extends ScimError {
  constructor(
    detail: string,
    public readonly position: number,
    scimType: 'invalidFilter' | 'invalidPath' = 'invalidFilter',
  ) {
    super(400, detail, scimType);
    this.name = 'ScimFilterError';
  }
}

/** The same error with `prefix` before its detail (e.g. which PATCH operation failed); other errors pass through. */
export function withDetailPrefix(error: unknown, prefix: string): unknown {
  if (!(error instanceof ScimError)) return error;
  if (error instanceof ScimFilterError) {
    return new ScimFilterError(prefix + error.detail, error.position, error.scimType === 'invalidPath' ? 'invalidPath' : 'invalidFilter');
  }
  return new ScimError(error.status, prefix + error.detail, error.scimType);
}
