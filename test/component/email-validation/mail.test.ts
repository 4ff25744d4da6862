import { emailValidationMail } from '../../../src/mail/email-validation-mail';

describe('Email validation mail text', () => {
  const input = { to: 'jane@acme.test', teamName: 'Acme <Rockets> & "Sons"', link: 'https://gh.example/email-validation?token=abc_DEF-123', expiresAt: new Date('2026-11-30T14:05:00Z') };

  test('When a mail is built, then both parts name the address, the team, the link and the expiry, and HTML is escaped', () => {
    const mail = emailValidationMail(input);
    expect(mail).toMatchObject({ to: 'jane@acme.test', subject: 'Confirm your email address for Acme <Rockets> & "Sons"' });
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('jane@acme.test');
      expect(part).toContain('Monday, 30 November 2026, 14:05 UTC');
      expect(part).toContain('ask your team administrator to send a new one');
    }
    expect(mail.text).toContain(input.link);
    expect(mail.html).toContain('Acme &lt;Rockets&gt; &amp; &quot;Sons&quot;');
    expect(mail.html).not.toContain('<Rockets>');
  });

  test('When a mail is built, then its only link is the validation page and nothing tracks the reader', () => {
    const mail = emailValidationMail(input);
    expect(mail.html).not.toMatch(/<img|<script|utm_|pixel|<link/i);
    expect(mail.html.match(/href="([^"]+)"/g)).toEqual([`href="${input.link}"`]);
  });
});
