/**
 * The vocabulary of RFC 7643 §7 attribute definitions, and small builders so the schema files
 * below read as a list of attributes rather than a wall of repeated defaults.
 */
export type AttrType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'binary' | 'reference' | 'complex';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDef {
  name: string;
  type: AttrType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDef[];
}

export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDef[];
}

type Options = Partial<Omit<AttributeDef, 'name' | 'type' | 'description' | 'subAttributes'>>;

const DEFAULTS = {
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
} as const;

export function simple(name: string, type: Exclude<AttrType, 'complex'>, description: string, options: Options = {}): AttributeDef {
  return { name, type, description, ...DEFAULTS, ...options };
}

export function complex(name: string, description: string, subAttributes: AttributeDef[], options: Options = {}): AttributeDef {
  return { name, type: 'complex', description, ...DEFAULTS, ...options, subAttributes };
}

/**
 * The usual multi-valued "value/display/type/primary" shape of RFC 7643 §2.4 (emails, phoneNumbers,
 * ims, photos, entitlements, roles, x509Certificates).
 */
export function multiValuedTyped(
  name: string,
  description: string,
  value: { type?: 'string' | 'reference' | 'binary'; caseExact?: boolean; referenceTypes?: string[]; description: string },
  canonicalTypes?: string[],
): AttributeDef {
  const valueOptions: Options = { caseExact: value.caseExact ?? false };
  if (value.referenceTypes) valueOptions.referenceTypes = value.referenceTypes;
  const typeOptions: Options = canonicalTypes ? { canonicalValues: canonicalTypes } : {};
  return complex(
    name,
    description,
    [
      simple('value', value.type ?? 'string', value.description, valueOptions),
      simple('display', 'string', 'A human-readable name, primarily used for display purposes.'),
      simple('type', 'string', `A label indicating the attribute's function.`, typeOptions),
      simple('primary', 'boolean', `Whether this is the primary value; true appears at most once.`),
    ],
    { multiValued: true },
  );
}
