import { UniqueConstraintError } from '../../../src/store/port';
import { newIdp } from './saml.contract';
import { cmp, newTeam, newUser, uniqueSuffix } from '../../support/store-fixtures';
import type { GetStore } from '../store.contract';

/** The directory SCIM profile's storage rules: userName per team ignoring A–Z case, externalId may repeat. */
export function directoryUsersContract(store: GetStore): void {
  async function team(profile: 'strict' | 'directory' = 'directory') {
    const t = newTeam({ scimProfile: profile });
    await store().teams.create(t);
    return t;
  }

  test('When a team is created or updated with a SCIM profile, then get returns it', async () => {
    const t = await team('directory');
    expect((await store().teams.get(t.id))?.scimProfile).toBe('directory');
    await store().teams.update({ ...t, scimProfile: 'strict' });
    expect((await store().teams.get(t.id))?.scimProfile).toBe('strict');
  });

  test('When a directory user is stored, then its userName comes back exactly and findByUserName finds it ignoring A–Z case only', async () => {
    const t = await team();
    const userName = `Ärger.Bob.${uniqueSuffix()}@Contoso.com`;
    const user = await store().users.create(newUser(t.id, { userName }));
    expect(user.userName).toBe(userName);
    expect((await store().users.findByUserName(t.id, userName.toUpperCase().replace('ÄRGER', 'Ärger')))?.id).toBe(user.id);
    // Only A–Z fold: Ä and ä are different letters here.
    expect(await store().users.findByUserName(t.id, userName.replace('Ä', 'ä'))).toBeNull();
    expect(await store().users.findByUserName((await team()).id, userName)).toBeNull();
  });

  test('When two users of one team have userNames differing only in A–Z case, then the second write is refused; another team may use it', async () => {
    const t = await team();
    const userName = `Jane.${uniqueSuffix()}@Acme.com`;
    await store().users.create(newUser(t.id, { userName }));
    await expect(store().users.create(newUser(t.id, { userName: userName.toLowerCase() }))).rejects.toEqual(new UniqueConstraintError('userName'));
    const other = await team();
    await expect(store().users.create(newUser(other.id, { userName }))).resolves.toMatchObject({ userName });
    expect(await store().users.countByTeam(t.id)).toBe(1);
  });

  test('When directory users share an externalId, then both are stored and a filter on it returns both; strict users keep externalId unique', async () => {
    const t = await team();
    const externalId = `bsmith-${uniqueSuffix()}`;
    await store().users.create(newUser(t.id, { userName: `a.${uniqueSuffix()}`, externalId }));
    await store().users.create(newUser(t.id, { userName: `b.${uniqueSuffix()}`, externalId }));
    expect((await store().users.list(t.id, { filter: cmp('externalId', 'eq', externalId, true), startIndex: 1, count: 10 })).total).toBe(2);
    // A strict user with the same externalId may exist once, and findByExternalId prefers it (it is a SAML subject).
    const strict = await store().users.create(newUser(t.id, { externalId }));
    expect((await store().users.findByExternalId(t.id, externalId))?.id).toBe(strict.id);
    await expect(store().users.create(newUser(t.id, { externalId }))).rejects.toEqual(new UniqueConstraintError('externalId'));
  });

  test("When a directory user's externalId equals another user's bound NameID, then it is stored (it is opaque, not a subject); a strict user's is still refused", async () => {
    const t = await team();
    const { id: idpId } = await store().idps.create(newIdp(t.id));
    const nameId = `bound.${uniqueSuffix()}@acme.test`;
    const jit = await store().users.create(newUser(t.id, { managedBy: 'sso', idpId, nameId }));
    const first = await store().users.create(newUser(t.id, { userName: `first.${uniqueSuffix()}`, externalId: nameId }));
    const second = await store().users.create(newUser(t.id, { userName: `second.${uniqueSuffix()}`, externalId: nameId, idpId }));
    expect([first.externalId, second.externalId]).toEqual([nameId, nameId]);
    // Binding a NameID equal to a directory user's externalId is not a twin either.
    const other = await store().users.create(newUser(t.id, { userName: `other.${uniqueSuffix()}`, externalId: 'E-42' }));
    const bound = await store().users.create(newUser(t.id, { userName: `bound.${uniqueSuffix()}`, idpId }));
    await expect(store().users.update({ ...bound, nameId: 'E-42' }, bound.version)).resolves.toMatchObject({ nameId: 'E-42' });
    expect(other.externalId).toBe('E-42');
    // A strict user's externalId is its subject: still one subject, one user.
    await expect(store().users.create(newUser(t.id, { externalId: nameId }))).rejects.toEqual(new UniqueConstraintError('subject'));
    expect(jit.nameId).toBe(nameId);
  });

  test('When a userName filter runs, then directory users match by userName ignoring case and strict users by handle', async () => {
    const t = await team();
    const suffix = uniqueSuffix();
    const directory = await store().users.create(newUser(t.id, { userName: `Mixed.Case.${suffix}@X.com`, handle: `mixed.case.${suffix}` }));
    const strict = await store().users.create(newUser(t.id, { handle: `plain.${suffix}` }));
    const ids = async (value: string, op: 'eq' | 'sw' = 'eq') => (await store().users.list(t.id, { filter: cmp('userName', op, value), startIndex: 1, count: 10 })).items.map((u) => u.id);
    expect(await ids(`mixed.case.${suffix}@x.COM`)).toEqual([directory.id]);
    expect(await ids(`mixed.case.${suffix}`)).toEqual([]); // the handle is not a directory user's userName
    expect(await ids(`PLAIN.${suffix}`)).toEqual([strict.id]);
    expect(await ids('MIXED.', 'sw')).toEqual([directory.id]);
  });

  test('When a directory user is updated to strict (userName cleared), then its key is released', async () => {
    const t = await team();
    const userName = `Release.${uniqueSuffix()}`;
    const user = await store().users.create(newUser(t.id, { userName }));
    await store().users.update({ ...user, userName: null }, user.version);
    expect(await store().users.findByUserName(t.id, userName)).toBeNull();
    await expect(store().users.create(newUser(t.id, { userName }))).resolves.toMatchObject({ userName });
  });
}
