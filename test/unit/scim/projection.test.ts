import { parseAttributeList, projectResource } from '../../../src/scim/projection';
import { GROUP_RESOURCE_TYPE } from '../../../src/scim/resource-types';
import { CORE_USER, ENTERPRISE } from './helpers';
import { storedUser } from './stored-user';

describe('attributes / excludedAttributes (RFC 7644 §3.4.2.5)', () => {
  const user = storedUser();

  it('When a client asks for userName only, then id and schemas come along (returned: always) and nothing else', () => {
    expect(projectResource(user, { attributes: 'userName' })).toEqual({ schemas: [CORE_USER, ENTERPRISE], id: 'user-1', userName: 'jane.doe' });
  });

  it('When attribute names come in any case and with spaces, then they still select', () => {
    expect(Object.keys(projectResource(user, { attributes: ' USERNAME , DisplayName ' }))).toEqual(['schemas', 'id', 'userName', 'displayName']);
  });

  it('When a sub-attribute is asked for, then only it is returned inside the complex value', () => {
    expect(projectResource(user, { attributes: 'name.familyName' })['name']).toEqual({ familyName: 'Doe' });
  });

  it('When a sub-attribute of a multi-valued attribute is asked for, then each value keeps only it', () => {
    expect(projectResource(user, { attributes: 'emails.value' })['emails']).toEqual([{ value: 'jane@acme.example' }, { value: 'jane@home.example' }]);
  });

  it('When a URN-qualified extension attribute is asked for, then only it is returned in the extension', () => {
    expect(projectResource(user, { attributes: `${ENTERPRISE}:department` })[ENTERPRISE]).toEqual({ department: 'Engineering' });
    expect(projectResource(user, { attributes: `${ENTERPRISE}:manager.value` })[ENTERPRISE]).toEqual({ manager: { value: 'boss-1' } });
  });

  it('When a whole extension URN is asked for, then the whole extension is returned', () => {
    expect(projectResource(user, { attributes: ENTERPRISE })[ENTERPRISE]).toEqual(user[ENTERPRISE]);
  });

  it('When a URN-qualified core attribute is asked for, then it selects the plain attribute', () => {
    expect(projectResource(user, { attributes: 'urn:ietf:params:scim:schemas:core:2.0:User:userName' })).toHaveProperty('userName', 'jane.doe');
  });

  it('When both a complex attribute and one of its sub-attributes are asked for, then the whole value wins', () => {
    expect(projectResource(user, { attributes: ['name.givenName', 'name'] })['name']).toEqual({ givenName: 'Jane', familyName: 'Doe' });
  });

  it('When meta.lastModified is asked for, then meta holds only that', () => {
    expect(projectResource(user, { attributes: 'meta.lastModified' })['meta']).toEqual({ lastModified: '2024-02-01T00:00:00.000Z' });
  });

  it('When Entra ID excludes members from a group, then everything but members is returned', () => {
    const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g-1', displayName: 'G', members: [{ value: 'u-1' }], meta: { resourceType: 'Group' } };
    expect(projectResource(group, { excludedAttributes: 'members' }, GROUP_RESOURCE_TYPE)).toEqual({ schemas: group.schemas, id: 'g-1', displayName: 'G', meta: { resourceType: 'Group' } });
  });

  it('When id or schemas are excluded, then they are returned anyway', () => {
    const projected = projectResource(user, { excludedAttributes: 'id,schemas,userName' });
    expect(projected['id']).toBe('user-1');
    expect(projected['schemas']).toEqual(user.schemas);
    expect(projected).not.toHaveProperty('userName');
  });

  it('When a sub-attribute is excluded, then the rest of the complex value stays', () => {
    expect(projectResource(user, { excludedAttributes: 'name.givenName,emails.primary' })).toMatchObject({
      name: { familyName: 'Doe' },
      emails: [{ value: 'jane@acme.example', type: 'work' }, { value: 'jane@home.example', type: 'home' }],
    });
  });

  it('When an extension attribute is excluded and nothing else is left in it, then the extension object disappears', () => {
    const projected = projectResource(user, { excludedAttributes: `${ENTERPRISE}:department, ${ENTERPRISE}:manager` });
    expect(projected).not.toHaveProperty([ENTERPRISE]);
  });

  it('When unknown names are given, then they are ignored', () => {
    expect(projectResource(user, { attributes: 'shoeSize,userName' })).toEqual({ schemas: user.schemas, id: 'user-1', userName: 'jane.doe' });
    expect(projectResource(user, { excludedAttributes: 'shoeSize' })).toEqual(user);
  });

  it('When nothing is asked, then the resource is returned whole', () => {
    expect(projectResource(user, {})).toEqual(user);
  });

  it('When both parameters are given, then attributes selects and excludedAttributes removes from that', () => {
    expect(projectResource(user, { attributes: 'name', excludedAttributes: 'name.givenName' })['name']).toEqual({ familyName: 'Doe' });
  });

  it('When the resource is projected, then the input is not modified', () => {
    const before = structuredClone(user);
    projectResource(user, { attributes: 'emails.value', excludedAttributes: 'emails' });
    expect(user).toEqual(before);
  });

  it('When a list arrives from a POST .search body, then it is read like the comma form', () => {
    expect(parseAttributeList(['userName, displayName', 'emails'])).toEqual(['userName', 'displayName', 'emails']);
    expect(parseAttributeList(undefined)).toEqual([]);
  });
});
