import type { UserQuery } from '../port';
import { parseAttributePath, resolveUserAttribute } from '../user-attributes';
import { USER_COLUMNS, jsonPath } from './filter-sql';
import { Sql, q, raw } from './sql';

/** The email a user sorts by: primary, else first — the same choice as the MongoDB adapter's shadow field. */
const SORT_EMAIL = raw(`(SELECT e.value_lower FROM user_emails e WHERE e.user_id = u.id AND e.value IS NOT NULL ORDER BY e."primary" DESC, e.position LIMIT 1)`);

/**
 * ORDER BY for a user list; created_at, id always break ties so paging is stable.
 *
 * `fewRows`: the caller counted the matches and there are few. Without statistics SQLite's planner
 * prefers walking users_team_created_at (no sort, stop after LIMIT rows) even when the filter has an
 * index of its own: for `externalId eq` on a 100k team that reads the whole team for one match
 * (21 req/s in the directory profile). The unary `+` (a no-op on the value) keeps the default order
 * off that index, so the filter's index finds the few rows and they are sorted.
 */
export function compileUserSort(query: Pick<UserQuery, 'sortBy' | 'sortOrder'>, fewRows = false): Sql {
  const tieBreak = raw(fewRows && !query.sortBy ? '+u.created_at, +u.id' : 'u.created_at, u.id');
  if (!query.sortBy) return q`ORDER BY ${tieBreak}`;
  const direction = raw(query.sortOrder === 'descending' ? 'DESC' : 'ASC');
  return q`ORDER BY ${sortKey(query.sortBy)} ${direction}, ${tieBreak}`;
}

function sortKey(sortBy: string): Sql {
  const attribute = resolveUserAttribute(parseAttributePath(sortBy));
  switch (attribute.kind) {
    case 'column':
      // userName: the directory userName's folded key when set, else the handle (see filter-sql.ts).
      if (attribute.column === 'handle') return raw('COALESCE(u.user_name_key, lower(u.handle))');
      return attribute.caseInsensitive ? q`${USER_COLUMNS[attribute.column]} COLLATE NOCASE` : USER_COLUMNS[attribute.column];
    case 'active':
      return raw(`(u.status = 'active')`);
    case 'emails':
      if (attribute.field !== 'value') throw new Error(`cannot sort by emails.${attribute.field}`);
      return SORT_EMAIL;
    case 'scim': {
      // A multi-valued or complex value (an array or object) sorts as if missing, as in the MongoDB adapter.
      const path = jsonPath(attribute.sub === null ? attribute.segments : [...attribute.segments, attribute.sub]);
      return q`(CASE WHEN json_type(u.scim, ${path}) IN ('array', 'object') THEN NULL ELSE json_extract(u.scim, ${path}) END)`;
    }
  }
}
