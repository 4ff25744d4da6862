/**
 * Reads an RFC 7644 §3.5.2 PatchOp body into a list of operations, accepting what Entra ID and Okta
 * send: "Add"/"Replace"/"Remove" in any case, "Operations" in any case, an empty path as no path.
 */
import { scimBadRequest } from './errors';
import { isObject } from './filter-eval';
import { PATCH_OP_SCHEMA } from './schemas';
import { describe } from './values';

export type PatchOpName = 'add' | 'remove' | 'replace';

export interface PatchOperation {
  op: PatchOpName;
  path?: string;
  /** Absent for remove without a value. */
  value?: unknown;
}

function field(obj: Record<string, unknown>, name: string): unknown {
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return obj[key];
  return undefined;
}

export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isObject(body)) {
    throw scimBadRequest('invalidSyntax', `a PATCH body must be a JSON object {"schemas":["${PATCH_OP_SCHEMA}"],"Operations":[…]}, got ${describe(body)}`);
  }
  const schemas = field(body, 'schemas');
  // RFC 7644 requires schemas; we only refuse one that names something else, not a missing one.
  if (schemas !== undefined) {
    const list = Array.isArray(schemas) ? schemas : [schemas];
    if (!list.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())) {
      throw scimBadRequest('invalidSyntax', `a PATCH body's schemas must be ["${PATCH_OP_SCHEMA}"], got ${JSON.stringify(schemas)}`);
    }
  }
  const operations = field(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw scimBadRequest('invalidSyntax', 'a PATCH body needs "Operations": a non-empty list of {"op","path","value"}');
  }
  return operations.map((raw, i) => parseOperation(raw, i));
}

function parseOperation(raw: unknown, index: number): PatchOperation {
  const where = `Operations[${index}]`;
  if (!isObject(raw)) throw scimBadRequest('invalidSyntax', `${where} must be an object {"op","path","value"}, got ${describe(raw)}`);
  const opRaw = field(raw, 'op');
  const op = typeof opRaw === 'string' ? opRaw.trim().toLowerCase() : '';
  if (op !== 'add' && op !== 'remove' && op !== 'replace') {
    throw scimBadRequest('invalidSyntax', `${where}.op must be "add", "remove" or "replace", got ${describe(opRaw)}`);
  }
  const pathRaw = field(raw, 'path');
  if (pathRaw !== undefined && pathRaw !== null && typeof pathRaw !== 'string') {
    throw scimBadRequest('invalidPath', `${where}.path must be a string such as "name.givenName", got ${describe(pathRaw)}`);
  }
  const operation: PatchOperation = { op };
  if (typeof pathRaw === 'string' && pathRaw.trim() !== '') operation.path = pathRaw.trim();
  const hasValue = Object.keys(raw).some((k) => k.toLowerCase() === 'value');
  if (hasValue) operation.value = field(raw, 'value');
  if (op !== 'remove' && !hasValue) {
    throw scimBadRequest('invalidSyntax', `${where} (${op}${operation.path ? ` ${operation.path}` : ''}) needs a "value"`);
  }
  return operation;
}
