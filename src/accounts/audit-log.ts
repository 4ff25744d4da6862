/** The team's audit log as the admin page reads it: entries, and actors typed as an admin would type them. */
import type { AuditEntry, AuditQuery, Store } from '../store/port';
import { isUuid } from '../saml/uuid';

export class AuditLogService {
  constructor(private readonly store: Store) {}

  list(query: AuditQuery): Promise<AuditEntry[]> {
    return this.store.audit.list(query);
  }

  /** An actor as an admin would type it (email, handle, token name or id) → the actor id stored in entries; only this team's. */
  async resolveActor(teamId: string, text: string): Promise<string | null> {
    const lower = text.toLowerCase();
    const id = isUuid(lower) ? lower : null;
    if (id) return id;
    if (lower.includes('@')) {
      const byEmail = await this.store.users.findByEmail(lower);
      if (byEmail?.teamId === teamId) return byEmail.id;
    }
    const byHandle = await this.store.users.findByHandle(lower.replace(/^@/, ''));
    if (byHandle?.teamId === teamId) return byHandle.id;
    const token = (await this.store.scimTokens.list(teamId)).find((t) => t.name.toLowerCase() === lower);
    return token?.id ?? null;
  }
}
