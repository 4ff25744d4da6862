/**
 * A SCIM Group list as one aggregation over `groups`: the team's groups, the filter, the sort, the
 * page. Each member condition (members[value eq "…"], members pr, members.value sw "…") becomes a
 * $lookup into `group_members` that stops at the first matching membership ($limit 1), so no member
 * id list is ever materialised (the old distinct + $in was unbounded and capped at 16 MB). Member-free
 * conditions at the top of an `and` run first, so `id eq "…" and members[…]` looks up one group.
 * Pure: the parity test runs the same pipeline over plain objects with mingo.
 */
import { foldCase, escapeRegex, foldingPattern } from '../case-fold';
import { isMemberTypeUserTest, resolveGroupAttribute, resolveGroupSort, UnmappableGroupAttributeError, type GroupColumn } from '../group-attributes';
import type { GroupQuery } from '../port';
import type { AttrPath, CompareOp, FilterNode, FilterValue } from '../query';
import { describePath } from '../user-attributes';

type Query = Record<string, unknown>;
type Stage = Record<string, unknown>;

export const GROUP_MEMBERS_COLLECTION = 'group_members';

/** User ids are lower-case UUIDs (randomUUID), so the id is its own folded shadow: eq stays an index lookup. */
const MEMBER_FIELD = { path: 'userId', lower: 'userId' };

const FIELDS: Record<GroupColumn, { path: string; lower?: string }> = {
  id: { path: '_id' },
  displayName: { path: 'displayName', lower: 'displayNameLower' },
  externalId: { path: 'externalId' },
  createdAt: { path: 'createdAt' },
  updatedAt: { path: 'updatedAt' },
};

const ORDERING = { gt: '$gt', ge: '$gte', lt: '$lt', le: '$lte' } as const;

interface ColumnTest {
  op: Exclude<CompareOp, 'ne'>;
  value: Exclude<FilterValue, null>;
  caseExact: boolean;
}

/** The stages that select the team's matching groups (before sort and paging). */
export function groupFilterStages(teamId: string, filter: FilterNode | undefined): Stage[] {
  if (!filter) return [{ $match: { teamId } }];
  const conjuncts = flattenAnd(filter);
  const compiler = new GroupFilterCompiler(teamId);
  const plain = conjuncts.filter((n) => !mentionsMembers(n)).map((n) => compiler.node(n, false));
  const rest = conjuncts.filter(mentionsMembers).map((n) => compiler.node(n, false));
  const stages: Stage[] = [{ $match: plain.length ? { $and: [{ teamId }, ...plain] } : { teamId } }];
  if (rest.length) stages.push(...compiler.lookups, { $match: { $and: rest } }, { $project: Object.fromEntries(compiler.lookups.map((_, i) => [`_member${i}`, 0])) });
  return stages;
}

/** Sort spec; created, id break ties so paging is stable; a sort key is never overridden by a tie-breaker. */
export function groupSort(query: Pick<GroupQuery, 'sortBy' | 'sortOrder'>): Record<string, 1 | -1> {
  const sort: Record<string, 1 | -1> = {};
  if (query.sortBy) {
    const attribute = resolveGroupSort(query.sortBy);
    const field = FIELDS[attribute.column];
    sort[attribute.caseInsensitive && field.lower ? field.lower : field.path] = query.sortOrder === 'descending' ? -1 : 1;
  }
  sort['createdAt'] ??= 1;
  sort['_id'] ??= 1;
  return sort;
}

function flattenAnd(node: FilterNode): FilterNode[] {
  return node.kind === 'and' ? [...flattenAnd(node.left), ...flattenAnd(node.right)] : [node];
}

function mentionsMembers(node: FilterNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return mentionsMembers(node.left) || mentionsMembers(node.right);
    case 'not':
      return mentionsMembers(node.expr);
    case 'valuePath':
      return true;
    case 'present':
    case 'compare':
      return resolveGroupAttribute(node.path).kind === 'member';
  }
}

class GroupFilterCompiler {
  readonly lookups: Stage[] = [];

  constructor(private readonly teamId: string) {}

  node(node: FilterNode, inMembers: boolean): Query {
    switch (node.kind) {
      case 'and':
      case 'or':
        return { [`$${node.kind}`]: [this.node(node.left, inMembers), this.node(node.right, inMembers)] };
      case 'not':
        return { $nor: [this.node(node.expr, inMembers)] };
      case 'valuePath':
        return this.hasMember(this.node(node.filter, true));
      case 'present':
        if (inMembers) return {};
        return this.column(node.path, null) ?? this.hasMember({});
      case 'compare': {
        if (inMembers && isMemberTypeUserTest(node)) return {};
        if (node.value === null) {
          const present = inMembers ? {} : (this.column(node.path, null) ?? this.hasMember({}));
          if (node.op === 'eq') return { $nor: [present] };
          if (node.op === 'ne') return present;
          throw new UnmappableGroupAttributeError(`${describePath(node.path)} ${node.op} null`);
        }
        if (node.op === 'ne') return { $nor: [this.node({ ...node, op: 'eq' }, inMembers)] };
        const test = { op: node.op, value: node.value, caseExact: node.caseExact };
        if (inMembers) return compare(MEMBER_FIELD, test);
        return this.column(node.path, test) ?? this.hasMember(compare(MEMBER_FIELD, test));
      }
    }
  }

  private column(path: AttrPath, test: ColumnTest | null): Query | null {
    const resolved = resolveGroupAttribute(path);
    if (resolved.kind === 'member') return null;
    const field = FIELDS[resolved.column];
    if (test === null) return { [field.path]: { $nin: [null, ''] } };
    return compare(resolved.caseInsensitive ? field : { path: field.path }, { ...test, caseExact: test.caseExact || !resolved.caseInsensitive });
  }

  /** Some membership of the group satisfies `condition`: a $lookup that stops at the first one. */
  private hasMember(condition: Query): Query {
    const as = `_member${this.lookups.length}`;
    this.lookups.push({
      $lookup: {
        from: GROUP_MEMBERS_COLLECTION,
        let: { groupId: '$_id' },
        pipeline: [{ $match: { $and: [{ $expr: { $eq: ['$groupId', '$$groupId'] } }, { teamId: this.teamId }, condition] } }, { $limit: 1 }, { $project: { _id: 1 } }],
        as,
      },
    });
    return { [`${as}.0`]: { $exists: true } };
  }
}

function compare(field: { path: string; lower?: string }, test: ColumnTest): Query {
  const { op, caseExact } = test;
  if (typeof test.value !== 'string') throw new UnmappableGroupAttributeError(`a group attribute compared with ${typeof test.value}`);
  const folded = !caseExact && field.lower !== undefined;
  const path = folded ? field.lower! : field.path;
  const value = folded ? foldCase(test.value) : test.value;
  // Without a folded shadow (members.value, ids) a case-insensitive test folds in the pattern.
  const literal = !caseExact && !folded ? foldingPattern(value) : escapeRegex(value);
  switch (op) {
    case 'eq':
      return !caseExact && !folded ? { [path]: { $regex: `^${literal}$` } } : { [path]: value };
    case 'co':
      return { [path]: { $regex: literal } };
    case 'sw':
      return { [path]: { $regex: `^${literal}` } };
    case 'ew':
      return { [path]: { $regex: `${literal}$` } };
    default:
      return { [path]: { [ORDERING[op]]: value } };
  }
}
