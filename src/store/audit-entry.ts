import { timeOrderedId } from './ids';
import type { AuditEntry, NewAuditEntry } from './port';
import { isoNow } from './time';

/** Gives a new audit entry its id and time, the same way in every adapter. */
export function stampAuditEntry(entry: NewAuditEntry): AuditEntry {
  return {
    id: timeOrderedId(),
    teamId: entry.teamId,
    at: entry.at ?? isoNow(),
    actor: entry.actor,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    details: entry.details ?? {},
  };
}
