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
