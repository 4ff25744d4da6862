import { ScimError, ScimFilterError, scimBadRequest, toScimErrorBody, withDetailPrefix } from '../../../src/scim/errors';

describe('SCIM errors (RFC 7644 §3.12)', () => {
  it('When an error is rendered, then the body has the Error schema, status as a string, scimType and detail', () => {
    expect(toScimErrorBody(new ScimError(409, 'userName "jane" is taken', 'uniqueness'))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '409',
      scimType: 'uniqueness',
      detail: 'userName "jane" is taken',
    });
  });

  it('When an error has no scimType, then the body omits it', () => {
    expect(new ScimError(404, 'User u-1 not found').toScimErrorBody()).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404', detail: 'User u-1 not found' });
  });

  it('When a filter error is created, then it is a 400 ScimError carrying the position', () => {
    const error = new ScimFilterError('Invalid filter at character 3: …', 2);
    expect(error).toBeInstanceOf(ScimError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter', position: 2 });
  });

  it('When context is prefixed, then the class, status, scimType and position are kept', () => {
    const prefixed = withDetailPrefix(new ScimFilterError('bad', 4, 'invalidPath'), 'Operation 2: ') as ScimFilterError;
    expect(prefixed).toBeInstanceOf(ScimFilterError);
    expect(prefixed).toMatchObject({ detail: 'Operation 2: bad', position: 4, scimType: 'invalidPath' });
    expect(withDetailPrefix(scimBadRequest('noTarget', 'x'), 'p: ')).toMatchObject({ status: 400, scimType: 'noTarget', detail: 'p: x' });
    const other = new TypeError('boom');
    expect(withDetailPrefix(other, 'p: ')).toBe(other);
  });
});
