import type { Timestamp } from './port';

/** ISO-8601 UTC with milliseconds: the one timestamp format both adapters store. */
export function isoNow(): Timestamp {
  return new Date().toISOString();
}
