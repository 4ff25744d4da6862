/**
 * Compiles a SCIM Group filter to a parameterised SQLite WHERE clause over `groups g`.
 * Member conditions become `g.id IN (SELECT group_id FROM group_members …)` through the
 * (team_id, user_id) index. Same semantics as the user compiler: `ne` is NOT `eq`, `eq null` is NOT `pr`.
 */
import type { AttrPath, CompareOp, FilterNode, FilterValue } from '../query';
import { isMemberTypeUserTest, resolveGroupAttribute, resolveGroupSort, UnmappableGroupAttributeError, type GroupColumn } from '../group-attributes';
import type { GroupQuery } from '../port';
import { describePath } from '../user-attributes';
import { Sql, q, raw } from './sql';
import { isTextMatch, negate, ordered, textMatch } from './sql-compare';

const GROUP_COLUMNS: Record<GroupColumn, Sql> = {
  id: raw('g.id'),
  displayName: raw('g.display_name'),
  externalId: raw('g.external_id'),
  createdAt: raw('g.created_at'),
  updatedAt: raw('g.updated_at'),
};

export function compileGroupFilter(filter: FilterNode, teamId: string): Sql {
  const memberIn = (condition: Sql) => q`g.id IN (SELECT m.group_id FROM group_members m WHERE m.team_id = ${teamId} AND (${condition}))`;
  const hasMembers = raw('EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = g.id)');

  const node = (n: FilterNode, inMembers: boolean): Sql => {
    switch (n.kind) {
      case 'and':
        return q`(${node(n.left, inMembers)} AND ${node(n.right, inMembers)})`;
      case 'or':
        return q`(${node(n.left, inMembers)} OR ${node(n.right, inMembers)})`;
      case 'not':
        return negate(node(n.expr, inMembers));
      case 'valuePath':
        return memberIn(node(n.filter, true));
      case 'present':
        if (inMembers) return raw('(m.user_id IS NOT NULL)');
        return attribute(n.path, null) ?? hasMembers;
      case 'compare': {
        if (inMembers && isMemberTypeUserTest(n)) return raw('1');
        if (n.value === null) {
          const present = inMembers ? raw('(m.user_id IS NOT NULL)') : (attribute(n.path, null) ?? hasMembers);
          if (n.op === 'eq') return negate(present);
          if (n.op === 'ne') return present;
          throw new UnmappableGroupAttributeError(`${describePath(n.path)} ${n.op} null`);
        }
        if (n.op === 'ne') return negate(node({ ...n, op: 'eq' }, inMembers));
        const test = { op: n.op, value: n.value, caseExact: n.caseExact };
        if (inMembers) return compare(raw('m.user_id'), test);
        return attribute(n.path, test) ?? memberIn(compare(raw('m.user_id'), test));
      }
    }
  };

  /** A column test, or null when the path is the members (the caller wraps it in a member subquery). */
  const attribute = (path: AttrPath, test: ColumnTest | null): Sql | null => {
    const resolved = resolveGroupAttribute(path);
    if (resolved.kind === 'member') return null;
    const column = GROUP_COLUMNS[resolved.column];
    if (test === null) return q`(${column} IS NOT NULL AND ${column} <> '')`;
    return compare(column, { ...test, caseExact: test.caseExact || !resolved.caseInsensitive });
  };

  return node(filter, false);
}

interface ColumnTest {
  op: Exclude<CompareOp, 'ne'>;
  value: Exclude<FilterValue, null>;
  caseExact: boolean;
}

function compare(target: Sql, test: ColumnTest): Sql {
  const { op, value, caseExact } = test;
  if (typeof value !== 'string') throw new UnmappableGroupAttributeError(`a group attribute compared with ${typeof value}`);
  return isTextMatch(op) ? textMatch(target, op, value, caseExact) : ordered(target, op, value, caseExact);
}

/** ORDER BY for a group list; created_at, id break ties so paging is stable. */
export function compileGroupSort(query: Pick<GroupQuery, 'sortBy' | 'sortOrder'>): Sql {
  const tieBreak = raw('g.created_at, g.id');
  if (!query.sortBy) return q`ORDER BY ${tieBreak}`;
  const attribute = resolveGroupSort(query.sortBy);
  const key = attribute.caseInsensitive ? q`${GROUP_COLUMNS[attribute.column]} COLLATE NOCASE` : GROUP_COLUMNS[attribute.column];
  return q`ORDER BY ${key} ${raw(query.sortOrder === 'descending' ? 'DESC' : 'ASC')}, ${tieBreak}`;
}
