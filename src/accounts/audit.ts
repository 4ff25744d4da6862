import type { AuditActor, NewAuditEntry, Store } from '../store/port';

export type Auditor = (entry: NewAuditEntry) => Promise<void>;

export function createAuditor(store: Store): Auditor {
  return async (entry) => {
    await store.audit.append(entry);
  };
}

export const operatorActor: AuditActor = { type: 'operator', id: null, name: 'cli' };
