import { SignedXml } from 'xml-crypto';
import { parseIdpMetadata } from '../../../src/saml/idp-metadata';
import { validateSamlResponse } from '../../../src/saml/validate-response';
import { TestIdp } from '../../support/test-idp';

/**
 * Real IdPs do not use our test IdP's prefixes: Entra ID writes the assertion in the default
 * namespace with an unprefixed ds:Signature; Okta signs with exclusive c14n and an
 * InclusiveNamespaces PrefixList. These shapes must validate too.
 */

const idp = TestIdp.create({ entityId: 'https://sts.windows.net/6f1e2d3c-4b5a-4697-8a8b-9c0d1e2f3a4b/' });
const metadata = parseIdpMetadata(idp.metadataXml({ ssoUrl: 'https://login.microsoftonline.com/x/saml2' }));
const sp = { entityId: 'https://gatehouse.test/sso/metadata/team-a', acsUrl: 'https://gatehouse.test/sso/finalize-login/team-a' };
const now = new Date('2030-01-15T10:00:00.000Z');
const EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';

function sign(xml: string, id: string, opts: { prefix?: string; inclusive?: string[] } = {}): string {
  const sig = new SignedXml({ privateKey: idp.keys.privateKeyPem, publicCert: idp.certPem, signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', canonicalizationAlgorithm: EXC });
  sig.addReference({
    xpath: `//*[@ID='${id}']`,
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', EXC],
    ...(opts.inclusive ? { inclusiveNamespacesPrefixList: opts.inclusive } : {}),
  });
  sig.computeSignature(xml, { ...(opts.prefix ? { prefix: opts.prefix } : {}), location: { reference: `//*[@ID='${id}']/*[local-name()='Issuer']`, action: 'after' } });
  return sig.getSignedXml();
}

it('When Entra ID posts its shape (default namespaces, unprefixed Signature, claim URIs), then it is accepted', async () => {
  const assertion =
    `<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion" ID="_d71a3a8e-9fcc-45ad-9b1c-2a5c0e3b0b00" IssueInstant="2030-01-15T09:59:58.123Z" Version="2.0">` +
    `<Issuer>${idp.entityId}</Issuer>` +
    `<Subject><NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">alice@contoso.test</NameID>` +
    `<SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><SubjectConfirmationData InResponseTo="_req1" NotOnOrAfter="2030-01-15T11:00:00.000Z" Recipient="${sp.acsUrl}"/></SubjectConfirmation></Subject>` +
    `<Conditions NotBefore="2030-01-15T09:55:00.000Z" NotOnOrAfter="2030-01-15T11:00:00.000Z"><AudienceRestriction><Audience>${sp.entityId}</Audience></AudienceRestriction></Conditions>` +
    `<AttributeStatement><Attribute Name="http://schemas.microsoft.com/identity/claims/objectidentifier"><AttributeValue>0b6f1f6a-7d63-4d0e-a0f1-2c3d4e5f6a7b</AttributeValue></Attribute>` +
    `<Attribute Name="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname"><AttributeValue>Alice</AttributeValue></Attribute></AttributeStatement>` +
    `<AuthnStatement AuthnInstant="2030-01-15T09:59:50.000Z" SessionIndex="_d71a3a8e-9fcc-45ad-9b1c-2a5c0e3b0b00"><AuthnContext><AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</AuthnContextClassRef></AuthnContext></AuthnStatement>` +
    `</Assertion>`;
  const response =
    `<samlp:Response ID="_5e0a9c57-1f0c-4a77-b0b5-0c2a1f3e4d5c" Version="2.0" IssueInstant="2030-01-15T09:59:58.123Z" Destination="${sp.acsUrl}" InResponseTo="_req1" xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<Issuer xmlns="urn:oasis:names:tc:SAML:2.0:assertion">${idp.entityId}</Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    sign(assertion, '_d71a3a8e-9fcc-45ad-9b1c-2a5c0e3b0b00') +
    `</samlp:Response>`;
  expect(response).toContain('<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">');
  const result = await validateSamlResponse({ samlResponse: Buffer.from(response).toString('base64'), idp: metadata, sp, now });
  if (!result.ok) throw new Error(`${result.label}: ${result.message}`);
  expect(result.assertion.nameId).toBe('alice@contoso.test');
  expect(result.assertion.attributes['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname']).toEqual(['Alice']);
});

it('When Okta posts its shape (saml2: prefixes, signed Response and Assertion, InclusiveNamespaces xs), then it is accepted', async () => {
  const aid = 'id1234567890okta';
  const rid = 'id0987654321okta';
  const assertion =
    `<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="${aid}" IssueInstant="2030-01-15T09:59:59.000Z" Version="2.0">` +
    `<saml2:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">${idp.entityId}</saml2:Issuer>` +
    `<saml2:Subject><saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">E0042</saml2:NameID>` +
    `<saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml2:SubjectConfirmationData InResponseTo="_req1" NotOnOrAfter="2030-01-15T10:04:59.000Z" Recipient="${sp.acsUrl}"/></saml2:SubjectConfirmation></saml2:Subject>` +
    `<saml2:Conditions NotBefore="2030-01-15T09:54:59.000Z" NotOnOrAfter="2030-01-15T10:04:59.000Z"><saml2:AudienceRestriction><saml2:Audience>${sp.entityId}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>` +
    `<saml2:AuthnStatement AuthnInstant="2030-01-15T09:59:59.000Z" SessionIndex="_okta-session"><saml2:AuthnContext><saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>` +
    `<saml2:AttributeStatement><saml2:Attribute Name="displayName" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified"><saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="xs:string">Eve Example</saml2:AttributeValue></saml2:Attribute></saml2:AttributeStatement>` +
    `</saml2:Assertion>`;
  let response =
    `<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" Destination="${sp.acsUrl}" ID="${rid}" InResponseTo="_req1" IssueInstant="2030-01-15T09:59:59.000Z" Version="2.0">` +
    `<saml2:Issuer xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">${idp.entityId}</saml2:Issuer>` +
    `<saml2p:Status xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol"><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>` +
    sign(assertion, aid, { prefix: 'ds', inclusive: ['xs'] }) +
    `</saml2p:Response>`;
  response = sign(response, rid, { prefix: 'ds', inclusive: ['xs'] });
  expect(response).toContain('PrefixList="xs"');
  const result = await validateSamlResponse({ samlResponse: Buffer.from(response).toString('base64'), idp: metadata, sp, now });
  if (!result.ok) throw new Error(`${result.label}: ${result.message}`);
  expect(result.assertion).toMatchObject({ nameId: 'E0042', nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified', sessionIndex: '_okta-session' });
  expect(result.assertion.attributes.displayName).toEqual(['Eve Example']);
});
