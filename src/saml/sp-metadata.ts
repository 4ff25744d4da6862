import { certificateBody } from './certificates';
import { DATA_ALGORITHMS, KEY_TRANSPORT_ALGORITHMS } from './decrypt-assertion';
import { NAMEID_EMAIL, NAMEID_UNSPECIFIED } from './nameid';
import { BINDING_POST } from './idp-metadata';
import { spAcsUrl, spEntityId } from './sp-urls';
import { NS, escapeXml } from './xml';

export interface SpMetadataInput {
  publicUrl: string;
  teamId: string;
  /** PEM or base64; the current certificate first. A second one announces the next key during rotation. */
  signingCerts: string[];
  /** Certificates IdPs may encrypt assertions to, the current one first. */
  encryptionCerts?: string[];
}

const keyDescriptor = (use: 'signing' | 'encryption', cert: string, methods: readonly string[]): string =>
  `    <md:KeyDescriptor use="${use}">\n` +
  `      <ds:KeyInfo>\n        <ds:X509Data>\n          <ds:X509Certificate>${certificateBody(cert)}</ds:X509Certificate>\n        </ds:X509Data>\n      </ds:KeyInfo>\n` +
  methods.map((m) => `      <md:EncryptionMethod Algorithm="${m}"/>\n`).join('') +
  `    </md:KeyDescriptor>\n`;

/** What we accept, strongest first: IdPs that read EncryptionMethod pick the first they support. */
const ENCRYPTION_METHODS = [...Object.keys(DATA_ALGORITHMS).sort((a, b) => Number(b.endsWith('gcm')) - Number(a.endsWith('gcm')) || b.localeCompare(a)), ...KEY_TRANSPORT_ALGORITHMS];

/**
 * SP metadata for one team. Written by hand rather than with node-saml's
 * generateServiceProviderMetadata: that helper emits a single NameIDFormat and a random ID
 * attribute on every call, and we want both formats and a byte-stable document (cacheable, diffable).
 */
export function buildSpMetadata(input: SpMetadataInput): string {
  if (input.signingCerts.length === 0) throw new Error('SP metadata needs at least one signing certificate');
  const keyDescriptors =
    input.signingCerts.map((cert) => keyDescriptor('signing', cert, [])).join('') +
    (input.encryptionCerts ?? []).map((cert) => keyDescriptor('encryption', cert, ENCRYPTION_METHODS)).join('');
  // Element order follows the SPSSODescriptor schema: KeyDescriptor, NameIDFormat, AssertionConsumerService.
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<md:EntityDescriptor xmlns:md="${NS.metadata}" xmlns:ds="${NS.dsig}" entityID="${escapeXml(spEntityId(input.publicUrl, input.teamId))}">\n` +
    `  <md:SPSSODescriptor AuthnRequestsSigned="true" WantAssertionsSigned="true" protocolSupportEnumeration="${NS.protocol}">\n` +
    keyDescriptors +
    `    <md:NameIDFormat>${NAMEID_EMAIL}</md:NameIDFormat>\n` +
    `    <md:NameIDFormat>${NAMEID_UNSPECIFIED}</md:NameIDFormat>\n` +
    `    <md:AssertionConsumerService index="0" isDefault="true" Binding="${BINDING_POST}" Location="${escapeXml(spAcsUrl(input.publicUrl, input.teamId))}"/>\n` +
    `  </md:SPSSODescriptor>\n` +
    `</md:EntityDescriptor>\n`
  );
}
