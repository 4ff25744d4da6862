/** Migration 008_rate_limits: rate-limit windows shared by every process on the file. */
export const RATE_LIMITS_SCHEMA = `
CREATE TABLE rate_limit_windows (
  key TEXT PRIMARY KEY,
  hits INTEGER NOT NULL,
  -- epoch milliseconds: compared with numbers on every hit
  reset_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX rate_limit_windows_reset_at ON rate_limit_windows (reset_at);
`;
