import fc from 'fast-check';
import { formatFilter, parseFilter, parsePatchPath } from '../../../src/scim/filter';
import { ScimFilterError } from '../../../src/scim/errors';
import type { FilterNode } from '../../../src/store/query';

/** Pieces of real filters, so random strings get deep into the grammar rather than failing at character 1. */
const tokens = fc.constantFrom(
  'userName', 'emails', 'emails.value', 'name.givenName', 'meta.lastModified', 'active', 'title',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
  'eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'pr', 'and', 'or', 'not',
  '(', ')', '[', ']', '.', '"', "'", '\\', '\\u', '"x"', '"2024-01-01T00:00:00Z"', 'true', 'false', 'null', '12', '-1.5e3',
  'type', 'value', ' ', '  ', '\t',
);
const tokenSoup = fc.array(tokens, { maxLength: 25 }).map((parts) => parts.join(' '));

function throwsOnlyScimFilterError(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch (error) {
    return error instanceof ScimFilterError && error.status === 400 && typeof error.detail === 'string' && error.detail.length > 0;
  }
}

/** Well-formed filter trees over real attributes, with values of the attribute's type. */
const stringAttrs = fc.constantFrom(
  { attr: 'userName', caseExact: false },
  { attr: 'externalId', caseExact: true },
  { attr: 'name', sub: 'givenName', caseExact: false },
  { attr: 'emails', sub: 'value', caseExact: false },
  { attr: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', caseExact: false },
  { attr: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', sub: 'value', caseExact: true },
);
const pathOf = ({ attr, sub }: { attr: string; sub?: string }) => (sub === undefined ? { attr } : { attr, sub });
const compareString = fc.record({ a: stringAttrs, op: fc.constantFrom('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le' as const), value: fc.string({ unit: 'binary', maxLength: 12 }) })
  .map(({ a, op, value }): FilterNode => ({ kind: 'compare', path: pathOf(a), op, value, caseExact: a.caseExact }));
const compareBoolean = fc.record({ op: fc.constantFrom('eq', 'ne' as const), value: fc.boolean() })
  .map(({ op, value }): FilterNode => ({ kind: 'compare', path: { attr: 'active' }, op, value, caseExact: false }));
const compareDate = fc.record({ op: fc.constantFrom('eq', 'gt', 'le' as const), value: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }) })
  .map(({ op, value }): FilterNode => ({ kind: 'compare', path: { attr: 'meta', sub: 'lastModified' }, op, value: value.toISOString(), caseExact: false }));
const present = fc.constantFrom('title', 'nickName', 'emails', 'name').map((attr): FilterNode => ({ kind: 'present', path: { attr } }));
const emailCondition = fc.oneof(
  fc.record({ sub: fc.constantFrom('type', 'value', 'display'), value: fc.string({ maxLength: 8 }) })
    .map(({ sub, value }): FilterNode => ({ kind: 'compare', path: { attr: sub }, op: 'eq', value, caseExact: false })),
  fc.boolean().map((value): FilterNode => ({ kind: 'compare', path: { attr: 'primary' }, op: 'eq', value, caseExact: false })),
);
const valuePath = fc.array(emailCondition, { minLength: 1, maxLength: 3 })
  .map((conditions): FilterNode => ({ kind: 'valuePath', attr: 'emails', filter: conditions.reduce((left, right) => ({ kind: 'and', left, right })) }));
const { tree } = fc.letrec<{ tree: FilterNode }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    compareString, compareBoolean, compareDate, present, valuePath,
    fc.record({ kind: fc.constantFrom('and', 'or' as const), left: tie('tree'), right: tie('tree') }).map((n): FilterNode => n),
    tie('tree').map((expr): FilterNode => ({ kind: 'not', expr })),
  ),
}));

describe('Filter parser robustness (property-based)', () => {
  it('When any well-formed filter tree is formatted and parsed, then the same tree comes back', () => {
    fc.assert(fc.property(tree, (node) => {
      expect(parseFilter(formatFilter(node))).toEqual(node);
    }), { numRuns: 3000 });
  });

  it('When given any string, then it returns a tree or throws a ScimFilterError — nothing else', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => throwsOnlyScimFilterError(() => parseFilter(text))), { numRuns: 3000 });
  });

  it('When given filter-shaped token soup, then it returns a tree or throws a ScimFilterError', () => {
    fc.assert(fc.property(tokenSoup, (text) => throwsOnlyScimFilterError(() => parseFilter(text))), { numRuns: 5000 });
  });

  it('When given any string as a PATCH path, then it returns a path or throws a ScimFilterError', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 100 }), tokenSoup), (text) => throwsOnlyScimFilterError(() => parsePatchPath(text))), { numRuns: 3000 });
  });

  it('When a parsed filter is formatted, then parsing the text gives the same tree', () => {
    fc.assert(
      fc.property(tokenSoup, (text) => {
        let node: FilterNode;
        try {
          node = parseFilter(text);
        } catch {
          return true;
        }
        expect(parseFilter(formatFilter(node))).toEqual(node);
        return true;
      }),
      { numRuns: 5000 },
    );
  });

  it('When an error is reported, then its position lies within the text', () => {
    fc.assert(
      fc.property(tokenSoup, (text) => {
        try {
          parseFilter(text);
        } catch (error) {
          const position = (error as ScimFilterError).position;
          return position >= 0 && position <= text.length;
        }
        return true;
      }),
      { numRuns: 3000 },
    );
  });
});
