/** Migration 008_rate_limits: rate-limit windows shared by every process on the file, and ASCII-only case folding of stored emails. */
export const RATE_LIMITS_SCHEMA = `
CREATE TABLE rate_limit_windows (
  key TEXT PRIMARY KEY,
  hits INTEGER NOT NULL,
  -- epoch milliseconds: compared with numbers on every hit
  reset_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX rate_limit_windows_reset_at ON rate_limit_windows (reset_at);
`;

/**
 * The lower-cased email copies were written with JavaScript's Unicode toLowerCase; the one folding
 * rule of both adapters (src/store/case-fold.ts) folds ASCII A–Z only, which is what SQLite's lower()
 * does. ASCII folding is finer than Unicode folding, so no two stored emails collide afresh.
 */
export const ASCII_FOLD_008 = `
UPDATE users SET email_lower = lower(email) WHERE email IS NOT NULL AND email_lower IS NOT lower(email);
UPDATE user_emails SET value_lower = lower(value) WHERE value IS NOT NULL AND value_lower IS NOT lower(value);
`;
