import { DOMParser } from '@xmldom/xmldom';

/** Namespaces we match elements against (never prefixes: IdPs pick their own). */
export const NS = {
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

/** Thrown by the strict parser; callers turn it into their own labelled error. */
export class XmlSafetyError extends Error {
  constructor(
    readonly kind: 'doctype-forbidden' | 'malformed-xml',
    message: string,
  ) {
    super(message);
    this.name = 'XmlSafetyError';
  }
}

// A DTD is the door to XXE and entity expansion; SAML never needs one, so we refuse it
// textually before any parser sees the bytes (and again on the parsed tree below).
const DTD_PATTERN = /<!\s*(DOCTYPE|ENTITY)/i;

export function containsDtd(xml: string): boolean {
  return DTD_PATTERN.test(xml);
}

/** xmldom's messages carry "[xmldom error]" and locator noise; keep the useful sentence. */
function cleanParserMessage(raw: string): string {
  const firstLine = raw.split('\n')[0] ?? raw;
  return firstLine.replace(/\[xmldom (warning|error|fatalError)\]\s*/g, '').replace(/^element parse error: (Error: )*/, '').trim();
}

/**
 * Parses XML refusing DTDs and treating every parser warning as an error: xmldom is lenient by
 * default (it "repairs" broken markup), and a repaired document is not the one that was signed.
 */
export function parseXmlStrict(xml: string): Document {
  if (containsDtd(xml)) {
    throw new XmlSafetyError('doctype-forbidden', 'DOCTYPE and ENTITY declarations are not allowed');
  }
  // xmldom catches what a handler throws and reports it again wrapped; the first message is the real one.
  let first: string | undefined;
  const fail = (message: string): never => {
    first ??= cleanParserMessage(message);
    throw new XmlSafetyError('malformed-xml', `not well-formed XML: ${first}`);
  };
  let doc: Document;
  try {
    doc = new DOMParser({
      locator: {},
      errorHandler: { warning: fail, error: fail, fatalError: fail },
    }).parseFromString(xml, 'text/xml');
  } catch (err) {
    if (err instanceof XmlSafetyError) throw new XmlSafetyError('malformed-xml', `not well-formed XML: ${first ?? err.message}`);
    return fail(err instanceof Error ? err.message : String(err));
  }
  if (!doc || !doc.documentElement) fail('no root element');
  if (doc.doctype) throw new XmlSafetyError('doctype-forbidden', 'DOCTYPE declarations are not allowed');
  return doc;
}

export function isElement(node: Node | null | undefined): node is Element {
  return !!node && node.nodeType === 1;
}

export function isA(el: Element | null | undefined, ns: string, localName: string): boolean {
  return !!el && el.namespaceURI === ns && el.localName === localName;
}

/** Direct element children, optionally filtered by namespace + local name. */
export function childElements(parent: Node, ns?: string, localName?: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (!isElement(n)) continue;
    if (ns !== undefined && n.namespaceURI !== ns) continue;
    if (localName !== undefined && n.localName !== localName) continue;
    out.push(n);
  }
  return out;
}

export function firstChild(parent: Node, ns: string, localName: string): Element | undefined {
  return childElements(parent, ns, localName)[0];
}

/** Every element below `root` (document order), optionally filtered. */
export function descendantElements(root: Node, ns?: string, localName?: string): Element[] {
  const out: Element[] = [];
  const walk = (node: Node): void => {
    for (let n = node.firstChild; n; n = n.nextSibling) {
      if (!isElement(n)) continue;
      if ((ns === undefined || n.namespaceURI === ns) && (localName === undefined || n.localName === localName)) {
        out.push(n);
      }
      walk(n);
    }
  };
  walk(root);
  return out;
}

/** An attribute's value, or undefined when absent (xmldom returns '' for missing attributes). */
export function attr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? el.getAttribute(name) ?? undefined : undefined;
}

/** Full text of an element: every text/CDATA descendant, so a comment cannot truncate it. */
export function fullText(el: Element): string {
  return el.textContent ?? '';
}

/** Escapes text for use in XML content or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
