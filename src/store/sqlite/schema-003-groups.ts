/**
 * Migration 003_groups: SCIM groups and their memberships. A membership is its own row, so adding
 * 5,000 members is 5,000 inserts in one statement, never a rewrite of a member list.
 */
export const GROUPS_SCHEMA = `
CREATE TABLE groups (
  id TEXT PRIMARY KEY,
  team_id TEXT NOT NULL REFERENCES teams(id),
  display_name TEXT NOT NULL,
  external_id TEXT,
  role_granted TEXT CHECK (role_granted IN ('owner', 'admin', 'member')),
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- displayName is caseExact=false: "Sales" and "sales" are the same group name within a team.
CREATE UNIQUE INDEX groups_team_display_name_unique ON groups (team_id, display_name COLLATE NOCASE);
CREATE UNIQUE INDEX groups_team_external_id_unique ON groups (team_id, external_id);
CREATE INDEX groups_team_created_at ON groups (team_id, created_at, id);
CREATE INDEX groups_team_role ON groups (team_id, role_granted);

CREATE TABLE group_members (
  group_id TEXT NOT NULL REFERENCES groups(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  team_id TEXT NOT NULL,
  PRIMARY KEY (group_id, user_id)
);
-- "which groups is this user in" (User.groups, members[value eq …] filters, role recomputation).
CREATE INDEX group_members_team_user ON group_members (team_id, user_id);
`;
