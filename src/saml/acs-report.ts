import { nowIso } from '../crypto';
import { linkingAttribute, linkingRule, teamScimProfile } from '../scim/profile';
import type { IdentityProvider, Team } from '../store/port';
import type { UserPlan } from './acs-users';
import type { SamlAssertion } from './signed-assertion';
import type { SsoRefusal } from './sso-refusal';
import type { CheckResult } from './validate-response';

/** One line of the test report: the validator's checks plus the store-backed ones (idp, replay, request, user). */
export interface ReportCheck {
  name: string;
  passed: boolean;
  reason: string;
  label?: string;
  received?: string;
}

export function reportCheck(check: CheckResult): ReportCheck {
  return { name: check.name, passed: check.passed, reason: check.reason, ...(check.label ? { label: check.label } : {}), ...(check.received !== undefined ? { received: check.received } : {}) };
}

export function describePlan(plan: UserPlan): string {
  switch (plan.action) {
    case 'sign-in':
      return `user ${plan.user.handle} (${plan.user.id}) is bound to this IdP and NameID: signed in`;
    case 'bind':
      return `SCIM user ${plan.user.handle} (${plan.user.id}) has this NameID as ${plan.user.userName != null ? 'userName (compared ignoring case)' : 'externalId'}: bound to this IdP and signed in`;
    case 'activate':
      return `invited user ${plan.user.handle} (${plan.user.id}) has this NameID as externalId: activated (invitation consumed), bound to this IdP and signed in`;
    case 'move':
      return `user ${plan.user.handle} (${plan.user.id}) of the replaced IdP ${plan.fromIdpId}: moved to this IdP and signed in`;
    case 'create':
      return `no user has this NameID and the team has no SCIM token: a new member ${plan.user.handle} ("${plan.user.displayName}") is created (just-in-time signup)`;
  }
}

/** The "test connection" report: every check with its reason, and what the IdP sent. */
export function testReport(input: { team?: Team | null; idp: IdentityProvider | null; checks: ReportCheck[]; assertion: SamlAssertion | null; fingerprint: string | null; plan: UserPlan | null; refusal: SsoRefusal | null }): Record<string, unknown> {
  const a = input.assertion;
  const plan = input.plan;
  return {
    outcome: input.refusal ? 'failed' : 'passed',
    label: input.refusal?.label ?? null,
    message: input.refusal?.message ?? null,
    received_at: nowIso(),
    idp: input.idp ? { id: input.idp.id, entity_id: input.idp.entityId } : null,
    checks: input.checks,
    nameid: a?.nameId ?? null,
    // A refused format is still reported: the admin needs to see what the IdP sent.
    nameid_format: a?.nameIdFormat ?? input.checks.find((c) => c.name === 'nameid-format' && c.received !== undefined)?.received ?? null,
    // Which SCIM attribute this team's NameIDs must match (src/scim/profile.ts).
    ...(input.team ? { nameid_must_match: linkingAttribute(teamScimProfile(input.team)), nameid_rule: linkingRule(teamScimProfile(input.team)) } : {}),
    attributes: a?.attributes ?? null,
    conditions: a ? { issuer: a.issuer, audience: a.audience, not_on_or_after: a.notOnOrAfter, in_response_to: a.inResponseTo, session_index: a.sessionIndex, assertion_id: a.assertionId } : null,
    certificate: input.fingerprint ? { fingerprint_sha256: input.fingerprint } : null,
    user: plan ? { action: plan.action, id: plan.user.id, handle: plan.user.handle, display_name: plan.user.displayName } : null,
  };
}
