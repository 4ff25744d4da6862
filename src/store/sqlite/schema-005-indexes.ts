/**
 * Migration 005_indexes: drops users_team_handle. userName is unique on the instance, so
 * users_handle_unique already answers every userName lookup and filter; the team-scoped copy only
 * served a sort by userName, and cost every user insert and rename a random B-tree insert
 * (docs/PERFORMANCE.md, seeding 100k users).
 */
export const INDEXES_005 = `
DROP INDEX IF EXISTS users_team_handle;
`;
