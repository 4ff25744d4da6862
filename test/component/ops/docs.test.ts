/** The operator documentation cannot fall behind the code it describes. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../../src/config';

const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** The keys of the zod env schema, read from its source (the schema object is not exported). */
function envKeys(): string[] {
  const source = read('src/config.ts');
  const body = source.slice(source.indexOf('const envSchema = z.object({'), source.indexOf('\n});', source.indexOf('const envSchema')));
  return [...body.matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]!);
}

describe('docs/CONFIGURATION.md', () => {
  const doc = read('docs/CONFIGURATION.md');
  const rows = new Map([...doc.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| ([^|]+) \|/gm)].map((m) => [m[1]!, m[2]!.trim()]));

  test('When the env schema is read, then every variable has a row, and every row is a real variable', () => {
    const keys = envKeys();
    expect(keys.length).toBeGreaterThan(20);
    expect(keys.filter((k) => !rows.has(k))).toEqual([]);
    expect([...rows.keys()].filter((k) => !keys.includes(k))).toEqual([]);
  });

  test('When the server loads an empty environment, then the documented defaults are the real ones', () => {
    const config = loadConfig({}) as unknown as Record<string, unknown>;
    const expected: Record<string, [string, unknown]> = {
      PORT: ['port', 3000],
      HOST: ['host', '0.0.0.0'],
      LOG_LEVEL: ['logLevel', 'info'],
      SQLITE_SYNCHRONOUS: ['sqliteSynchronous', 'normal'],
      TRUST_PROXY: ['trustProxy', 'loopback'],
      SAML_CLOCK_SKEW_SECONDS: ['samlClockSkewSeconds', 60],
      SAML_REQUEST_TTL_SECONDS: ['samlRequestTtlSeconds', 600],
      METADATA_REFRESH_HOURS: ['metadataRefreshHours', 24],
      ALLOW_INSECURE_METADATA_URLS: ['allowInsecureMetadataUrls', false],
      RICH_INFO_LIMIT: ['richInfoLimit', 5000],
      INVITATION_TTL_HOURS: ['invitationTtlHours', 168],
      LOGIN_RATE_LIMIT: ['loginRateLimit', 10],
      SESSION_TTL_HOURS: ['sessionTtlHours', 12],
      PURGE_INTERVAL_SECONDS: ['purgeIntervalSeconds', 600],
      MAIL_FROM: ['mailFrom', 'Gatehouse <gatehouse@localhost>'],
    };
    for (const [key, [field, value]] of Object.entries(expected)) {
      expect({ key, value: config[field] }).toEqual({ key, value });
      expect({ key, documented: rows.get(key) }).toEqual({ key, documented: `\`${String(value)}\`` });
    }
    for (const unset of ['MONGODB_URI', 'SMTP_URL', 'METRICS_TOKEN', 'DEFAULT_SSO_CODE']) expect(rows.get(unset)).toBe('unset');
  });
});

describe('Operations and IdP guides', () => {
  test('When the README is read, then it links every operator document, and each exists', () => {
    const readme = read('README.md');
    for (const file of ['docs/CONFIGURATION.md', 'docs/OPERATIONS.md', 'docs/idp-guides/entra-id.md', 'docs/idp-guides/okta.md', 'docs/idp-guides/google-workspace.md', 'docs/idp-guides/keycloak.md']) {
      expect(readme).toContain(`(${file})`);
      expect(existsSync(path.join(ROOT, file))).toBe(true);
    }
  });

  test('When OPERATIONS.md is read, then it covers proxies, certificates, backups, the move to MongoDB, limits, metrics and shutdown', () => {
    const ops = read('docs/OPERATIONS.md');
    for (const needle of ['TRUST_PROXY', 'X-Forwarded-Proto', 'sp-key.pem', 'gatehouse backup', 'gatehouse migrate', 'retryWrites=true', 'w=majority', 'RATE_LIMIT_STORE', 'Running N instances', 'npm run test:mongo', 'directConnection=true', '/metrics', 'SIGTERM', 'docker compose --profile scale']) {
      expect({ needle, found: ops.includes(needle) }).toEqual({ needle, found: true });
    }
  });

  test('When the README and the IdP guides are read, then the NameID recommendation per IdP is stated once, in the guides, and each guide agrees', () => {
    const readme = read('README.md');
    expect(readme).toContain('(docs/idp-guides/README.md#recommended-nameid-per-idp)');
    // No per-IdP NameID advice left in the README to contradict the guides.
    for (const needle of ['user.mail', 'user.objectid', 'Name ID format EmailAddress', 'Application username =']) expect({ needle, found: readme.includes(needle) }).toEqual({ needle, found: false });
    const overview = read('docs/idp-guides/README.md');
    const section = overview.slice(overview.indexOf('## Recommended NameID per IdP'));
    const rows = [...section.matchAll(/^\| (Microsoft Entra ID|Okta|Google Workspace|Keycloak) \|/gm)].map((m) => m[1]);
    expect(rows).toEqual(['Microsoft Entra ID', 'Okta', 'Google Workspace', 'Keycloak']);
    expect(read('docs/idp-guides/entra-id.md')).toMatch(/recommended[^\n]*\n?[^\n]*`user\.objectid`[^\n]*\n?[^\n]*Unspecified/);
    expect(read('docs/idp-guides/okta.md')).toContain('Custom (**recommended**): `String.toLowerCase(String.substringBefore(user.login, "@"))` | Unspecified');
    expect(read('docs/idp-guides/google-workspace.md')).toContain('The NameID is the primary email, format emailAddress');
    expect(read('docs/idp-guides/keycloak.md')).toContain('| email (**recommended**) |');
    // Strict profile: userName is a handle, so no recommendation makes it an email.
    expect(section).not.toMatch(/userName[^|]*\| [^|]*@/);
  });

  test('When an IdP guide is read, then it names the ACS and entityID, the NameID format and the SCIM mapping of userName and externalId', () => {
    for (const guide of ['entra-id', 'okta', 'google-workspace', 'keycloak']) {
      const text = read(`docs/idp-guides/${guide}.md`);
      for (const needle of ['/sso/finalize-login/', '/sso/metadata/', 'NameID', 'userName', 'externalId']) {
        expect({ guide, needle, found: text.includes(needle) }).toEqual({ guide, needle, found: true });
      }
    }
  });
});
