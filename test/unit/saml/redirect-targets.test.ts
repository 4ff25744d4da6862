import { RedirectPolicy, withLabel } from '../../../src/saml/redirect-targets';

describe('RedirectPolicy', () => {
  const policy = new RedirectPolicy('https://gatehouse.example.com', ['https://app.example.com', 'not a url']);

  test.each([
    ['/me', '/me'],
    ['/app/after-login?x=1#top', '/app/after-login?x=1#top'],
    ['https://gatehouse.example.com/me', 'https://gatehouse.example.com/me'],
    ['https://app.example.com/welcome', 'https://app.example.com/welcome'],
  ])('When the target is %s, then it is allowed', (value, expected) => {
    expect(policy.check(value)).toBe(expected);
  });

  test.each([
    '//evil.com',
    '/\\evil.com',
    '/\\/evil.com',
    '\\\\evil.com',
    'https://evil.com',
    'https://app.example.com.evil.com/',
    'https://app.example.com@evil.com/',
    'http://app.example.com/', // scheme is part of the origin
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '/\tevil.com',
    ' /me',
    'me',
    '',
    `/${'a'.repeat(3000)}`,
  ])('When the target is %j, then it is refused', (value) => {
    expect(policy.check(value)).toBeNull();
  });

  test('When a label is added, then relative targets stay relative and existing queries are kept', () => {
    expect(withLabel('/sso/error', 'replayed')).toBe('/sso/error?label=replayed');
    expect(withLabel('/x?a=1', 'request-expired')).toBe('/x?a=1&label=request-expired');
    expect(withLabel('https://app.example.com/err', 'not-provisioned')).toBe('https://app.example.com/err?label=not-provisioned');
  });
});
