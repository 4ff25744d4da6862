import { MAX_METADATA_BYTES } from '../../../src/saml/idp-metadata';
import { parseMultipart } from '../../../src/web/multipart';
import { createTeam, type TestTeam } from '../../support/fixtures';
import { startTestServer, type TestServer } from '../../support/server';
import { PageClient, visibleText } from './page-client';

const CRLF = '\r\n';
const body = (parts: string[], boundary = 'XyZ') => Buffer.from(parts.map((p) => `--${boundary}${CRLF}${p}${CRLF}`).join('') + `--${boundary}--${CRLF}`);

describe('The pages\' multipart reader', () => {
  test('When a form has text fields and a file, then fields are strings and the file keeps its name and exact text (CRLFs and boundary-like lines included)', async () => {
    const xml = `<?xml version="1.0"?>${CRLF}<EntityDescriptor>${CRLF}-- XyZ is not a delimiter (browsers pick boundaries absent from the file)${CRLF}</EntityDescriptor>`;
    const parsed = await parseMultipart(body([
      `Content-Disposition: form-data; name="_csrf"${CRLF}${CRLF}tok`,
      `Content-Disposition: form-data; name="metadata_file"; filename="idp.xml"${CRLF}Content-Type: application/xml${CRLF}${CRLF}${xml}`,
      `Content-Disposition: form-data; name="handle"${CRLF}${CRLF}Entra ID`,
    ]), 'XyZ');
    expect(parsed).toEqual({ _csrf: 'tok', metadata_file: { filename: 'idp.xml', text: xml }, handle: 'Entra ID' });
  });

  test('When no file was chosen, then the file field is an empty upload; a __proto__ field is ignored', async () => {
    const parsed = await parseMultipart(body([
      `Content-Disposition: form-data; name="metadata_file"; filename=""${CRLF}Content-Type: application/octet-stream${CRLF}${CRLF}`,
      `Content-Disposition: form-data; name="__proto__"${CRLF}${CRLF}polluted`,
    ]), 'XyZ');
    expect(parsed).toEqual({ metadata_file: { filename: '', text: '' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('When the body is cut off or not multipart, then it is a 400 that says to reload the page', async () => {
    const whole = body([`Content-Disposition: form-data; name="a"${CRLF}${CRLF}1`]);
    await expect(parseMultipart(whole.subarray(0, whole.length - 12), 'XyZ')).rejects.toThrow(expect.objectContaining({ status: 400, label: 'invalid-body' }));
    await expect(parseMultipart(Buffer.from('a=1&b=2'), 'XyZ')).rejects.toThrow(/Reload the page/);
  });

  test('When a form has more than 20 parts, then it is refused', async () => {
    const many = Array.from({ length: 21 }, (_, i) => `Content-Disposition: form-data; name="f${i}"${CRLF}${CRLF}x`);
    await expect(parseMultipart(body(many), 'XyZ')).rejects.toThrow(/too many fields/);
  });
});

describe('Metadata uploads through the real server', () => {
  let server: TestServer;
  let admin: PageClient;
  let acme: TestTeam;
  beforeAll(async () => {
    server = await startTestServer({ LOGIN_RATE_LIMIT: '100' });
    acme = await createTeam(server, 'Acme');
    admin = new PageClient(server.url);
    await admin.signIn(acme.email, acme.password);
    await admin.get('/admin/sso');
  }, 30_000);
  afterAll(() => server.close());

  test('When an admin uploads a file larger than 1 MB + 64 KB, then the page answers 413 with the limit and nothing is connected', async () => {
    const huge = 'x'.repeat(MAX_METADATA_BYTES + 128 * 1024);
    const res = await admin.upload('/admin/sso/connections', { metadata: '', metadata_url: '' }, { metadata_file: { filename: 'huge.xml', text: huge } });
    expect(res.status).toBe(413);
    expect(visibleText(res.html)).toContain(`The request body is larger than the limit of ${MAX_METADATA_BYTES + 64 * 1024} bytes.`);
    expect(await server.services.store.idps.list(acme.teamId)).toEqual([]);
  });
});
