import { invitationMail } from '../../../src/mail/invitation-mail';
import { formatExpiry } from '../../../src/mail/link-mail';

describe('Invitation mail text', () => {
  const input = { to: 'ada@acme.test', teamName: 'Acme <Rockets> & "Sons"', link: 'https://gh.example/invitations/accept?token=abc_DEF-123', expiresAt: new Date('2026-11-30T14:05:00Z') };

  test('When a mail is built, then both parts carry the team name, the link and the expiry, and HTML is escaped', () => {
    const mail = invitationMail(input);
    expect(mail.to).toBe('ada@acme.test');
    expect(mail.subject).toBe('You are invited to join Acme <Rockets> & "Sons"');
    expect(mail.text).toContain('"Acme <Rockets> & "Sons""');
    expect(mail.text).toContain(input.link);
    expect(mail.text).toContain('Monday, 30 November 2026, 14:05 UTC');
    expect(mail.html).toContain('Acme &lt;Rockets&gt; &amp; &quot;Sons&quot;');
    expect(mail.html).not.toContain('<Rockets>');
    expect(mail.html).toContain(`href="${input.link}"`);
    expect(mail.html).toContain('Monday, 30 November 2026, 14:05 UTC');
  });

  test('When a mail is built, then it has nothing that tracks the reader', () => {
    const mail = invitationMail(input);
    expect(mail.html).not.toMatch(/<img|<script|utm_|pixel|<link/i);
    expect(mail.html.match(/href="([^"]+)"/g)).toEqual([`href="${input.link}"`]);
  });

  test('When the expiry is formatted, then it is in UTC with a weekday, whatever the locale of the server', () => {
    expect(formatExpiry(new Date('2026-01-02T03:04:00Z'))).toBe('Friday, 2 January 2026, 03:04 UTC');
  });
});
