import { readFileSync } from 'node:fs';
import path from 'node:path';

// `npm audit` cannot reach an advisory database from these machines, so the floors that close the
// known SAML/XML CVEs are asserted directly against what is installed (see docs/SECURITY.md).
const FLOORS: Record<string, string> = {
  '@node-saml/node-saml': '5.1.0', // CVE-2025-54419 (signature verification bypass)
  'xml-crypto': '6.1.2', // CVE-2025-29774 / CVE-2025-29775 (signature wrapping via comments / multiple SignedInfo)
  '@xmldom/xmldom': '0.8.15', // prototype pollution / malformed-XML advisories fixed in the 0.8 line
};

function installedVersions(name: string): string[] {
  const lock = JSON.parse(readFileSync(path.resolve(__dirname, '../../../package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  return Object.entries(lock.packages)
    .filter(([key]) => key === `node_modules/${name}` || key.endsWith(`/node_modules/${name}`))
    .map(([, meta]) => meta.version!)
    .filter(Boolean);
}

function atLeast(version: string, floor: string): boolean {
  const a = version.split('.').map(Number);
  const b = floor.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

describe('Dependency floors that close known SAML/XML advisories', () => {
  test.each(Object.entries(FLOORS))('When %s is installed (any copy in the tree), then it is at least %s', (name, floor) => {
    const versions = installedVersions(name);
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) expect({ name, version: v, ok: atLeast(v, floor) }).toEqual({ name, version: v, ok: true });
  });
});
