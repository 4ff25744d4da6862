/** The only NameID formats Gatehouse accepts: they are what a SCIM externalId can be (PRODUCT.md). */
export const NAMEID_EMAIL = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
export const NAMEID_UNSPECIFIED = 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
export const ACCEPTED_NAMEID_FORMATS: readonly string[] = [NAMEID_EMAIL, NAMEID_UNSPECIFIED];

export function isAcceptedNameIdFormat(format: string): boolean {
  return ACCEPTED_NAMEID_FORMATS.includes(format);
}
