import type { AuditActor, ProvisioningLogEntry, Role, SessionKind, User } from '../port';

/** Documents as stored; ids are our UUIDs in `_id`; timestamps ISO strings except TTL fields (Date). */
export interface TeamDoc {
  _id: string;
  name: string;
  createdAt: string;
  groupManagedRoles: boolean;
  /** Absent on teams written before issue 21: off. */
  validateSamlEmails?: boolean;
  /** Absent on teams written before the directory profile existed: strict. */
  scimProfile?: 'strict' | 'directory';
}

export interface EmailDoc {
  value: string | null;
  valueLower: string | null;
  type: string | null;
  primary: boolean;
  display: string | null;
}

/** The port's User with its id in `_id`, plus the shadows the indexes need. */
export interface UserDoc extends Omit<User, 'id'> {
  _id: string;
  /** Lower-cased shadows: case-insensitive uniqueness, filters and sorts through plain indexes. */
  handleLower: string;
  /** Directory-profile userName's A–Z-folded key (unique per team); null for strict users. */
  userNameKey?: string | null;
  /** externalId of a strict user (unique per team); null for directory users, whose externalId may repeat. */
  strictExternalId?: string | null;
  emailLower: string | null;
  displayNameLower: string;
  /** status === 'active', stored so `active` filters and sorts like a field. */
  active: boolean;
  /** SCIM JSON with keys encoded by scim-keys.ts. */
  scim: Record<string, unknown>;
  /** Searchable copy of scim.emails. */
  emails: EmailDoc[];
  /** The primary (else first) email, lower-cased: what sortBy=emails orders by. */
  sortEmail: string | null;
}

export interface ScimTokenDoc {
  _id: string;
  teamId: string;
  secretHash: string;
  name: string;
  description: string;
  idpId: string | null;
  createdAt: string;
}

export interface SessionDoc {
  _id: string;
  kind: SessionKind;
  userId: string;
  teamId: string;
  createdAt: string;
  /** A Date so the TTL index can expire it. */
  expiresAt: Date;
}

export interface AuditDoc {
  _id: string;
  teamId: string | null;
  at: string;
  actor: AuditActor;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
}

export interface ProvisioningLogDoc extends Omit<ProvisioningLogEntry, 'id'> {
  _id: string;
}

/** A document whose only job is to be written, so concurrent transactions on one team conflict. */
export interface LockDoc {
  _id: string;
  seq: number;
}

export interface GroupDoc {
  _id: string;
  teamId: string;
  displayName: string;
  /** Lower-cased shadow: displayName is unique per team ignoring case. */
  displayNameLower: string;
  externalId: string | null;
  roleGranted: Role | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** One membership per document (`_id` = groupId + "/" + userId): no member array is ever rewritten. */
export interface GroupMemberDoc {
  _id: string;
  groupId: string;
  userId: string;
  teamId: string;
  /** Join order: (joinedAt, position within the write). */
  joinedAt: string;
  position: number;
}

export interface InvitationDoc {
  _id: string;
  /** Absent on links written before issue 21: an invitation. */
  purpose?: 'invitation' | 'email-validation';
  teamId: string;
  userId: string;
  email: string;
  /** SHA-256 (hex) of the link's secret. */
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  voidedAt: string | null;
  lastSendError: string | null;
}
