import type { Db } from './database';
import { CORE_SCHEMA } from './schema-001-core';
import { SAML_SCHEMA } from './schema-002-saml';
import { GROUPS_SCHEMA } from './schema-003-groups';
import { INVITATIONS_SCHEMA } from './schema-004-invitations';
import { INDEXES_005 } from './schema-005-indexes';
import { SUBJECTS_006 } from './schema-006-subjects';
import { SCIM_PROFILE_007 } from './schema-007-scim-profile';
import { ASCII_FOLD_008, RATE_LIMITS_SCHEMA } from './schema-008-rate-limits';
import { KEYS_SCHEMA_009 } from './schema-009-keys';
import { EMAIL_VALIDATION_SCHEMA_010 } from './schema-010-email-validation';
import { DIRECTORY_SCOPE_011 } from './schema-011-directory-scope';

export interface Migration {
  /** Ordered, never renamed once released: '001_core', '002_saml', '003_groups'… */
  id: string;
  up: string;
}

/** Append new migrations at the end; applied ones are recorded in schema_migrations. */
export const MIGRATIONS: readonly Migration[] = [
  { id: '001_core', up: CORE_SCHEMA },
  { id: '002_saml', up: SAML_SCHEMA },
  { id: '003_groups', up: GROUPS_SCHEMA },
  { id: '004_invitations', up: INVITATIONS_SCHEMA },
  { id: '005_indexes', up: INDEXES_005 },
  { id: '006_subjects', up: SUBJECTS_006 },
  { id: '007_scim_profile', up: SCIM_PROFILE_007 },
  { id: '008_rate_limits_ascii_fold', up: RATE_LIMITS_SCHEMA + ASCII_FOLD_008 },
  { id: '009_keys', up: KEYS_SCHEMA_009 },
  { id: '010_email_validation', up: EMAIL_VALIDATION_SCHEMA_010 },
  { id: '011_directory_scope', up: DIRECTORY_SCOPE_011 },
];

/**
 * Applies every pending migration in one IMMEDIATE transaction, so two processes opening the same
 * fresh file at once (server + CLI) cannot both run a migration: the second waits, then sees it done.
 */
export function applyMigrations(db: Db, migrations: readonly Migration[] = MIGRATIONS): string[] {
  const applied: string[] = [];
  const run = db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
    const done = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as string[]);
    const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
    for (const migration of migrations) {
      if (done.has(migration.id)) continue;
      db.exec(migration.up);
      record.run(migration.id, new Date().toISOString());
      applied.push(migration.id);
    }
  });
  run.immediate();
  return applied;
}
