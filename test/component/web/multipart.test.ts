import { parseMultipart } from '../../../src/web/multipart';

const CRLF = '\r\n';
const body = (parts: string[], boundary = 'XyZ') => Buffer.from(parts.map((p) => `--${boundary}${CRLF}${p}${CRLF}`).join('') + `--${boundary}--${CRLF}`);

describe('The pages\' multipart reader', () => {
  test('When a form has text fields and a file, then fields are strings and the file keeps its name and exact text (CRLFs and boundary-like lines included)', () => {
    const xml = `<?xml version="1.0"?>${CRLF}<EntityDescriptor>${CRLF}-- XyZ is not a delimiter (browsers pick boundaries absent from the file)${CRLF}</EntityDescriptor>`;
    const parsed = parseMultipart(body([
      `Content-Disposition: form-data; name="_csrf"${CRLF}${CRLF}tok`,
      `Content-Disposition: form-data; name="metadata_file"; filename="idp.xml"${CRLF}Content-Type: application/xml${CRLF}${CRLF}${xml}`,
      `Content-Disposition: form-data; name="handle"${CRLF}${CRLF}Entra ID`,
    ]), 'XyZ');
    expect(parsed).toEqual({ _csrf: 'tok', metadata_file: { filename: 'idp.xml', text: xml }, handle: 'Entra ID' });
  });

  test('When no file was chosen, then the file field is an empty upload; a __proto__ field is ignored', () => {
    const parsed = parseMultipart(body([
      `Content-Disposition: form-data; name="metadata_file"; filename=""${CRLF}Content-Type: application/octet-stream${CRLF}${CRLF}`,
      `Content-Disposition: form-data; name="__proto__"${CRLF}${CRLF}polluted`,
    ]), 'XyZ');
    expect(parsed).toEqual({ metadata_file: { filename: '', text: '' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('When the body is cut off or not multipart, then it is a 400 that says to reload the page', () => {
    const whole = body([`Content-Disposition: form-data; name="a"${CRLF}${CRLF}1`]);
    expect(() => parseMultipart(whole.subarray(0, whole.length - 12), 'XyZ')).toThrow(expect.objectContaining({ status: 400, label: 'invalid-body' }));
    expect(() => parseMultipart(Buffer.from('a=1&b=2'), 'XyZ')).toThrow(/Reload the page/);
  });

  test('When a form has more than 20 parts, then it is refused', () => {
    const many = Array.from({ length: 21 }, (_, i) => `Content-Disposition: form-data; name="f${i}"${CRLF}${CRLF}x`);
    expect(() => parseMultipart(body(many), 'XyZ')).toThrow(/too many fields/);
  });
});
