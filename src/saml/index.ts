/** The SAML core: pure functions the HTTP layer composes (no routes, no store). */
export { readSpKeyFiles, createSelfSignedCertificate, SP_KEY_FILE, SP_CERT_FILE } from './sp-keys';
export type { KeyAndCertificate, CertificateOptions } from './sp-keys';
export { parseIdpMetadata, SamlMetadataError, MAX_METADATA_BYTES, BINDING_POST, BINDING_REDIRECT } from './idp-metadata';
export type { IdpMetadata, SamlMetadataErrorLabel, ParseMetadataOptions } from './idp-metadata';
export { buildSpMetadata } from './sp-metadata';
export type { SpMetadataInput } from './sp-metadata';
export { spEntityId, spAcsUrl } from './sp-urls';
export { buildAuthnRequest, newRequestId } from './authn-request';
export type { AuthnRequestInput, AuthnRequestResult, SamlBinding } from './authn-request';
export { validateSamlResponse, MAX_SAML_RESPONSE_BYTES, DEFAULT_CLOCK_SKEW_SECONDS } from './validate-response';
export type { ValidateSamlResponseInput, ValidateSamlResponseResult, CheckResult, CheckName, SamlRefusalLabel, SamlAssertion } from './validate-response';
export { NAMEID_EMAIL, NAMEID_UNSPECIFIED, ACCEPTED_NAMEID_FORMATS } from './nameid';
