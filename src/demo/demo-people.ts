/**
 * Who lives in the demo: the team, its owner, and the mock IdP's directory. The first three are
 * provisioned by `npm run demo`; the fourth is what the printed curl line provisions; the last one
 * the IdP knows but Gatehouse never hears of (the "unprovisioned" refusal).
 */
export interface DemoPerson {
  /** SCIM userName (a strict-profile handle). */
  userName: string;
  /** SCIM externalId = the NameID the mock IdP sends (emailAddress format). */
  email: string;
  displayName: string;
  givenName: string;
  familyName: string;
}

export const DEMO_TEAM_NAME = 'Demo';
export const DEMO_OWNER_EMAIL = 'owner@demo.test';

const person = (userName: string, givenName: string, familyName: string): DemoPerson => ({
  userName,
  email: `${givenName.toLowerCase()}@demo.test`,
  displayName: `${givenName} ${familyName}`,
  givenName,
  familyName,
});

/** Provisioned through SCIM at setup. */
export const PROVISIONED_PEOPLE: readonly DemoPerson[] = [person('ada.lovelace', 'Ada', 'Lovelace'), person('grace.hopper', 'Grace', 'Hopper'), person('alan.turing', 'Alan', 'Turing')];
/** Put into the "Gatehouse Admins" role group at setup (so the group grants her the admin role). */
export const DEMO_ADMIN = PROVISIONED_PEOPLE[1]!;
/** Provisioned by the evaluator with the printed curl line. */
export const FOURTH_PERSON: DemoPerson = person('katherine.johnson', 'Katherine', 'Johnson');
/** Known to the mock IdP, never provisioned: signing in as them shows the "not provisioned" refusal. */
export const UNPROVISIONED_PERSON: DemoPerson = person('edsger.dijkstra', 'Edsger', 'Dijkstra');

/** Everyone the mock IdP's sign-in page offers. */
export const MOCK_IDP_DIRECTORY: readonly DemoPerson[] = [...PROVISIONED_PEOPLE, FOURTH_PERSON];

/** The SCIM User body for a person, as an IdP's provisioning would send it. */
export function scimUserBody(p: DemoPerson) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: p.userName,
    externalId: p.email,
    displayName: p.displayName,
    name: { givenName: p.givenName, familyName: p.familyName },
    active: true,
  };
}
