import type Database from 'better-sqlite3';
/** Values SQLite receives as bound parameters; booleans are deliberately absent (bind 0/1). */
export type SqlValue = string | number | null;

/** A fragment of SQL text with its bound parameters in textual order. */
export class Sql {
  constructor(
    readonly text: string,
    readonly params: readonly SqlValue[],
  ) {}
}

/** Trusted SQL text (column names, keywords) — never user input. */
export function raw(text: string): Sql {
  return new Sql(text, []);
}

/** Template tag: embedded Sql fragments are inlined, every other value becomes a `?` parameter. */
export function q(strings: TemplateStringsArray, ...parts: Array<Sql | SqlValue>): Sql {
  let text = strings[0]!;
  const params: SqlValue[] = [];
  parts.forEach((part, i) => {
    if (part instanceof Sql) {
      text += part.text;
      params.push(...part.params);
    } else {
      text += '?';
      params.push(part);
    }
    text += strings[i + 1]!;
  });
  return new Sql(text, params);
}

export function joinSql(parts: readonly Sql[], separator: string): Sql {
  return new Sql(parts.map((p) => p.text).join(separator), parts.flatMap((p) => p.params));
}

/**
 * Prepared statements by SQL text, for queries built per request (filters, sorts, the columns an
 * update changes). Preparing costs more than running a small query; the texts repeat because
 * values are always bound parameters. Bounded: the oldest statement goes when the cache is full.
 */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly max = 256,
  ) {}

  get(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      if (this.statements.size >= this.max) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(text, statement);
    }
    return statement;
  }
}
