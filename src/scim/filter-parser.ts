/**
 * A recursive-descent parser for the RFC 7644 §3.4.2.2 filter grammar (and, reusing its pieces,
 * the §3.5.2 PATCH path grammar). It resolves every attribute against the resource type's schemas
 * while parsing, so the FilterNode it returns carries canonical paths, typed values and caseExact.
 * Why not scim2-parse-filter: docs/DECISIONS-scim.md.
 *
 * Precedence, loosest first: or, and, not, then a comparison / presence test / value path / (group).
 * Loose forms accepted because they are unambiguous (each documented in DECISIONS-scim.md):
 * any case for operators and literals, any whitespace (or none next to quotes and brackets),
 * 'single-quoted' strings, unquoted values for string attributes, "true"/"false" in quotes for
 * boolean attributes, `not` without parentheses, and Entra ID's `emails[type eq "work"].value eq "x"`.
 */
import type { AttrPath, CompareOp, FilterNode, FilterValue } from '../store/query';
import type { AttributeDef, SchemaDef } from './attribute-defs';
import { resolveAttrPath, type ResolvedAttr } from './attr-path';
import { ScimFilterError } from './errors';
import { findSubAttribute, type ResourceTypeDef } from './resource-types';
import { ISO_DATE } from './values';

const COMPARE_OPS: ReadonlySet<string> = new Set<CompareOp>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const OPS_HINT = 'eq, ne, co, sw, ew, gt, ge, lt, le or pr';
/** Deeper nesting than this is not a real filter; refusing it keeps recursion bounded. */
const MAX_DEPTH = 64;
const NAME_CHAR = /[A-Za-z0-9_$\-.:]/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** A PATCH path (RFC 7644 §3.5.2): attrPath / valuePath [subAttr], or a whole extension object. */
export type PatchPath =
  | { kind: 'extension'; schema: SchemaDef }
  | {
      kind: 'attr';
      top: ResolvedAttr;
      /** "name.givenName" → givenName; "emails[type eq \"work\"].value" → value. */
      sub?: AttributeDef;
      /** The value filter, with paths relative to `top`. */
      filter?: FilterNode;
    };

type Literal =
  | { kind: 'string'; value: string; quoted: true }
  | { kind: 'bare'; text: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'boolean'; value: boolean; text: string }
  | { kind: 'null'; text: string };

/** Where attribute names resolve: the resource type, or inside [ ] the sub-attributes of one attribute. */
type Scope = { kind: 'resource' } | { kind: 'valueFilter'; parent: ResolvedAttr };

export class FilterParser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly resourceType: ResourceTypeDef,
    private readonly what: 'filter' | 'path',
  ) {}

  parseFilter(): FilterNode {
    this.skipWs();
    if (this.atEnd()) this.fail('the filter is empty: expected an expression such as userName eq "bjensen"');
    const node = this.parseOr({ kind: 'resource' });
    this.skipWs();
    if (!this.atEnd()) {
      if (this.peek() === ')') this.fail('found ")" without a matching "("');
      this.fail(`expected "and", "or" or the end of the filter, found ${this.describeHere()}`);
    }
    return node;
  }

  parsePatchPath(): PatchPath {
    this.skipWs();
    const start = this.pos;
    const name = this.readName();
    if (name === '') this.fail(`expected an attribute name, found ${this.describeHere()}`);
    const resolution = resolveAttrPath(this.resourceType, name, { allowSchemaOnly: true });
    if (!resolution.ok) this.fail(resolution.reason, start);
    const resolved = resolution.value;
    let result: PatchPath;
    if ('schemaOnly' in resolved) {
      result = { kind: 'extension', schema: resolved.schemaOnly };
    } else if (this.peek() === '[') {
      if (resolved.subDef) this.fail(`a value filter goes right after the attribute, e.g. ${resolved.def.name}[type eq "work"].${resolved.subDef.name}`, start);
      const filter = this.parseBracketFilter(resolved);
      result = { kind: 'attr', top: resolved, filter };
      if (this.peek() === '.') {
        this.pos++;
        const subStart = this.pos;
        const subName = this.readName();
        const subDef = findSubAttribute(resolved.def, subName);
        if (!subDef) this.fail(`unknown sub-attribute "${subName}" of "${resolved.def.name}"${knownSubs(resolved.def)}`, subStart);
        result.sub = subDef;
      }
    } else {
      result = { kind: 'attr', top: resolved };
      if (resolved.subDef) result.sub = resolved.subDef;
    }
    this.skipWs();
    if (!this.atEnd()) this.fail(`expected the end of the path, found ${this.describeHere()}`);
    return result;
  }

  // ---- boolean structure ----

  private parseOr(scope: Scope): FilterNode {
    let left = this.parseAnd(scope);
    for (;;) {
      const save = this.pos;
      this.skipWs();
      if (!this.keyword('or')) {
        this.pos = save;
        return left;
      }
      left = { kind: 'or', left, right: this.parseAnd(scope) };
    }
  }

  private parseAnd(scope: Scope): FilterNode {
    let left = this.parseUnary(scope);
    for (;;) {
      const save = this.pos;
      this.skipWs();
      if (!this.keyword('and')) {
        this.pos = save;
        return left;
      }
      left = { kind: 'and', left, right: this.parseUnary(scope) };
    }
  }

  private parseUnary(scope: Scope): FilterNode {
    if (++this.depth > MAX_DEPTH) this.fail(`the ${this.what} is nested more than ${MAX_DEPTH} levels deep`);
    try {
      this.skipWs();
      if (this.atEnd()) this.fail('expected an expression, found the end of the filter');
      if (this.keyword('not')) {
        this.skipWs();
        return { kind: 'not', expr: this.parseUnary(scope) };
      }
      if (this.peek() === '(') return this.parseGroup(scope);
      return this.parseAttrExpression(scope);
    } finally {
      this.depth--;
    }
  }

  private parseGroup(scope: Scope): FilterNode {
    const open = this.pos;
    this.pos++;
    const node = this.parseOr(scope);
    this.skipWs();
    if (this.peek() !== ')') this.fail(`expected ")" to close the "(" at character ${open + 1}, found ${this.describeHere()}`);
    this.pos++;
    return node;
  }

  // ---- attribute expressions ----

  private parseAttrExpression(scope: Scope): FilterNode {
    const start = this.pos;
    const name = this.readName();
    if (name === '') this.fail(`expected an attribute name, found ${this.describeHere()}`);
    const lower = name.toLowerCase();
    if (lower === 'and' || lower === 'or') this.fail(`expected an expression before "${name}"`, start);

    if (scope.kind === 'valueFilter') {
      const subDef = name.includes('.') || name.includes(':') ? undefined : findSubAttribute(scope.parent.def, name);
      if (!subDef) this.fail(`unknown sub-attribute "${name}" of "${scope.parent.def.name}"${knownSubs(scope.parent.def)}`, start);
      if (this.peek() === '[') this.fail('value filters cannot be nested', this.pos);
      return this.parseComparison({ attr: subDef.name }, subDef, name);
    }

    const resolution = resolveAttrPath(this.resourceType, name);
    if (!resolution.ok) this.fail(resolution.reason, start);
    const resolved = resolution.value;
    if ('schemaOnly' in resolved) this.fail(`"${name}" names a schema, not an attribute`, start);

    if (this.peek() === '[') {
      if (resolved.subDef) this.fail(`a value filter goes right after the attribute, e.g. ${resolved.def.name}[type eq "work"]`, start);
      const filter = this.parseBracketFilter(resolved);
      if (this.peek() !== '.') return { kind: 'valuePath', attr: resolved.attr, filter };
      // Entra ID: emails[type eq "work"].value eq "x" means emails[type eq "work" and value eq "x"].
      this.pos++;
      const subStart = this.pos;
      const subName = this.readName();
      const subDef = findSubAttribute(resolved.def, subName);
      if (!subDef) this.fail(`unknown sub-attribute "${subName}" of "${resolved.def.name}"${knownSubs(resolved.def)}`, subStart);
      const condition = this.parseComparison({ attr: subDef.name }, subDef, `${resolved.def.name}.${subDef.name}`);
      return { kind: 'valuePath', attr: resolved.attr, filter: { kind: 'and', left: filter, right: condition } };
    }

    let def = resolved.subDef ?? resolved.def;
    let path = resolved.path;
    if (def.type === 'complex') {
      // RFC 7644 §3.4.2.2: a comparison on a multi-valued complex attribute targets its "value".
      const value = resolved.def.multiValued ? findSubAttribute(def, 'value') : undefined;
      const save = this.pos;
      this.skipWs();
      const isPresence = this.keyword('pr');
      this.pos = save;
      if (isPresence) return this.parseComparison(path, def, name);
      if (!value) {
        const example = def.subAttributes?.[0]?.name ?? 'value';
        this.fail(`"${def.name}" is complex: compare one of its sub-attributes, e.g. ${name}.${example}`, start);
      }
      def = value;
      path = { attr: path.attr, sub: value.name };
    }
    return this.parseComparison(path, def, name);
  }

  /** Parses "[valFilter]" at the cursor for `parent`; leaves the cursor after "]". */
  private parseBracketFilter(parent: ResolvedAttr): FilterNode {
    if (parent.def.type !== 'complex') this.fail(`"${parent.def.name}" has no sub-attributes, so it cannot take a [filter]`);
    const open = this.pos;
    this.pos++;
    this.skipWs();
    if (this.peek() === ']') this.fail(`the value filter of "${parent.def.name}" is empty`);
    const filter = this.parseOr({ kind: 'valueFilter', parent });
    this.skipWs();
    if (this.peek() !== ']') this.fail(`expected "]" to close the value filter opened at character ${open + 1}, found ${this.describeHere()}`);
    this.pos++;
    return filter;
  }

  private parseComparison(path: AttrPath, def: AttributeDef, shownName: string): FilterNode {
    const opStart = this.skipWs();
    const opWord = this.readWord();
    const op = opWord.toLowerCase();
    if (op === 'pr') return { kind: 'present', path };
    if (!COMPARE_OPS.has(op)) {
      const found = opWord === '' ? this.describeHere() : `"${opWord}"`;
      this.fail(`expected an operator (${OPS_HINT}) after "${shownName}", found ${found}`, opStart);
    }
    if (def.type === 'complex') this.fail(`"${shownName}" is complex: only "pr" applies to it`, opStart);
    const valueStart = this.skipWs();
    const literal = this.readLiteral(op);
    const value = this.typedValue(literal, def, op as CompareOp, shownName, valueStart);
    return { kind: 'compare', path, op: op as CompareOp, value, caseExact: def.caseExact };
  }

  // ---- values ----

  private readLiteral(op: string): Literal {
    const c = this.peek();
    if (c === '"' || c === "'") return { kind: 'string', value: this.readQuoted(c), quoted: true };
    const start = this.pos;
    while (!this.atEnd() && !/[\s()[\]"']/.test(this.peek())) this.pos++;
    const text = this.text.slice(start, this.pos);
    if (text === '') this.fail(`expected a value after "${op}" (a "quoted string", a number, true, false or null), found ${this.describeHere()}`);
    const lower = text.toLowerCase();
    if (lower === 'true' || lower === 'false') return { kind: 'boolean', value: lower === 'true', text };
    if (lower === 'null') return { kind: 'null', text };
    if (JSON_NUMBER.test(text)) return { kind: 'number', value: Number(text), text };
    return { kind: 'bare', text };
  }

  /** A JSON string (RFC 8259 escapes); single quotes accepted as well, with \' as an escape. */
  private readQuoted(quote: string): string {
    const open = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      if (this.atEnd()) this.fail(`the string starting at character ${open + 1} is not closed: add the closing ${quote}`, open);
      const c = this.text.charAt(this.pos);
      if (c === quote) {
        this.pos++;
        return out;
      }
      if (c !== '\\') {
        out += c;
        this.pos++;
        continue;
      }
      const escape = this.text.charAt(this.pos + 1);
      switch (escape) {
        case '"':
        case "'":
        case '\\':
        case '/':
          out += escape;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = this.text.slice(this.pos + 2, this.pos + 6);
          if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail(`"\\u" must be followed by 4 hex digits, found "${hex}"`);
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.fail(`invalid escape "\\${escape}" in a string (valid: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)`);
      }
      this.pos += 2;
    }
  }

  /** Gives the literal the attribute's type, or explains why it cannot have it. */
  private typedValue(literal: Literal, def: AttributeDef, op: CompareOp, name: string, at: number): FilterValue {
    if (literal.kind === 'null') {
      if (op !== 'eq' && op !== 'ne') this.fail(`"${op}" cannot compare with null; use "${name} pr" or "not (${name} pr)"`, at);
      return null;
    }
    const ordering = op === 'gt' || op === 'ge' || op === 'lt' || op === 'le';
    const substring = op === 'co' || op === 'sw' || op === 'ew';
    switch (def.type) {
      case 'boolean': {
        if (ordering || substring) this.fail(`"${op}" does not apply to "${name}", which is a boolean; use eq or ne`, at);
        if (literal.kind === 'boolean') return literal.value;
        if (literal.kind === 'string' && /^(true|false)$/i.test(literal.value.trim())) return literal.value.trim().toLowerCase() === 'true';
        return this.fail(`"${name}" is a boolean: compare it with true or false`, at);
      }
      case 'integer':
      case 'decimal': {
        if (substring) this.fail(`"${op}" does not apply to "${name}", which is a number`, at);
        const n = literal.kind === 'number' ? literal.value : literal.kind === 'string' && JSON_NUMBER.test(literal.value) ? Number(literal.value) : NaN;
        if (Number.isNaN(n) || (def.type === 'integer' && !Number.isInteger(n))) this.fail(`"${name}" is ${def.type === 'integer' ? 'an integer' : 'a number'}: compare it with a number`, at);
        return n;
      }
      case 'dateTime': {
        if (substring) this.fail(`"${op}" does not apply to "${name}", which is a timestamp; use eq, ne, gt, ge, lt or le`, at);
        const text = literal.kind === 'string' ? literal.value : 'text' in literal ? literal.text : '';
        const ms = ISO_DATE.test(text) ? Date.parse(text) : NaN;
        if (Number.isNaN(ms)) this.fail(`"${name}" is a timestamp: use ISO 8601, e.g. "2024-01-31T12:00:00Z"`, at);
        // Canonical form: the store keeps ISO-8601 UTC with milliseconds, which sorts as text.
        return new Date(ms).toISOString();
      }
      case 'binary':
        if (ordering) this.fail(`"${op}" does not apply to "${name}", which is binary; use eq, ne, co, sw or ew`, at);
        return literal.kind === 'string' ? literal.value : literal.text;
      default:
        // string and reference: unquoted text stands for itself (externalId eq 12345 → "12345").
        return literal.kind === 'string' ? literal.value : literal.text;
    }
  }

  // ---- lexical helpers ----

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  private peek(): string {
    return this.text.charAt(this.pos);
  }

  /** Skips whitespace; returns the position after it. */
  private skipWs(): number {
    while (!this.atEnd() && /\s/.test(this.peek())) this.pos++;
    return this.pos;
  }

  /** Consumes `word` (any case) when it stands alone at the cursor. */
  private keyword(word: string): boolean {
    const end = this.pos + word.length;
    if (this.text.slice(this.pos, end).toLowerCase() !== word) return false;
    if (end < this.text.length && NAME_CHAR.test(this.text.charAt(end))) return false;
    this.pos = end;
    return true;
  }

  private readName(): string {
    const start = this.pos;
    while (!this.atEnd() && NAME_CHAR.test(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private readWord(): string {
    const start = this.pos;
    while (!this.atEnd() && /[A-Za-z]/.test(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private describeHere(): string {
    if (this.atEnd()) return `the end of the ${this.what}`;
    const rest = this.text.slice(this.pos);
    return JSON.stringify(rest.length > 24 ? `${rest.slice(0, 24)}…` : rest);
  }

  private fail(message: string, at: number = this.pos): never {
    const where = `at character ${Math.min(at, this.text.length) + 1}`;
    if (this.what === 'filter') throw new ScimFilterError(`Invalid filter ${where}: ${message}.`, at, 'invalidFilter');
    throw new ScimFilterError(`Invalid path ${JSON.stringify(this.text)} ${where}: ${message}.`, at, 'invalidPath');
  }
}

function knownSubs(def: AttributeDef): string {
  const names = (def.subAttributes ?? []).map((sub) => sub.name);
  return names.length > 0 ? ` (known: ${names.join(', ')})` : '';
}
