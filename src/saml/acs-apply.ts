import type { Auditor } from '../accounts/audit';
import { UniqueConstraintError, VersionConflictError, type AuditActor, type IdentityProvider, type Store, type Team, type User } from '../store/port';
import { linkingAttribute, teamScimProfile } from '../scim/profile';
import { notProvisioned, planUser, type UserPlan } from './acs-users';
import type { SamlAssertion } from './signed-assertion';

const SSO_ACTOR: AuditActor = { type: 'system', id: null, name: 'sso' };

/**
 * Carries out the ACS's user plan (bind, move, create) and audits it. A concurrent sign-in of the
 * same person (unique NameID index, user versions) makes the write fail; then the plan is made
 * again from the store (which now finds the user) — at most twice.
 */
export async function applyUserPlan(store: Store, audit: Auditor, team: Team, idp: IdentityProvider, assertion: SamlAssertion, first: UserPlan): Promise<User> {
  let plan = first;
  for (let attempt = 0; ; attempt++) {
    try {
      const user = await applyOnce(store, audit, team, idp, assertion, plan);
      if (user) return user;
    } catch (e) {
      if (attempt >= 2 || !(e instanceof VersionConflictError || e instanceof UniqueConstraintError)) throw e;
    }
    if (attempt >= 2) throw new Error('user changed under every retry');
    plan = await planUser(store, team, idp, assertion);
  }
}

/** Null when the user vanished between plan and write. */
async function applyOnce(store: Store, audit: Auditor, team: Team, idp: IdentityProvider, assertion: SamlAssertion, plan: UserPlan): Promise<User | null> {
  switch (plan.action) {
    case 'sign-in':
      return plan.user;
    case 'bind':
    case 'move': {
      const updated = await store.users.update({ ...plan.user, idpId: idp.id, nameId: assertion.nameId }, plan.user.version);
      if (!updated) return null;
      await audit({
        teamId: team.id,
        actor: SSO_ACTOR,
        action: plan.action === 'bind' ? 'sso.user.bound' : 'sso.user.moved',
        targetType: 'user',
        targetId: updated.id,
        details: { idp: idp.id, nameId: assertion.nameId, ...(plan.action === 'move' ? { fromIdp: plan.fromIdpId } : {}) },
      });
      return updated;
    }
    case 'activate': {
      const entries = [
        { teamId: team.id, actor: SSO_ACTOR, action: 'sso.user.activated', targetType: 'user', targetId: plan.user.id, details: { idp: idp.id, nameId: assertion.nameId, was: 'pending' } },
        { teamId: team.id, actor: SSO_ACTOR, action: 'invitation.consumed', targetType: 'user', targetId: plan.user.id, details: { by: 'sso-sign-in', idp: idp.id } },
      ];
      const updated = await store.users.update({ ...plan.user, idpId: idp.id, nameId: assertion.nameId, status: 'active' }, plan.user.version, entries);
      if (!updated) return null;
      // The invitation link must not work any more: the person now signs in through the IdP.
      await store.invitations.voidForUser(updated.id, new Date().toISOString());
      return updated;
    }
    case 'create': {
      // The "no SCIM token" rule is checked again in the insert's own transaction (a token may have been created since planUser).
      const entry = { teamId: team.id, actor: SSO_ACTOR, action: 'user.created', targetType: 'user', targetId: plan.user.id, details: { via: 'sso-jit', idp: idp.id, nameId: assertion.nameId, handle: plan.user.handle } };
      const created = await store.users.createUnlessTeamHasScimTokens(plan.user, [entry]);
      if (!created) throw notProvisioned(assertion.nameId, linkingAttribute(teamScimProfile(team)));
      return created;
    }
  }
}
