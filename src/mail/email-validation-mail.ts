import { escapeHtml } from './html';
import { formatExpiry, type InvitationMailInput } from './invitation-mail';
import type { Mail } from './mailer';

/**
 * The email-validation mail (team flag validate_saml_emails): the address came from the team's
 * identity provider, and opening the link proves the person reads it. Same shape and no-tracking
 * rules as the invitation mail.
 */
export function emailValidationMail(input: InvitationMailInput): Mail {
  const expiry = formatExpiry(input.expiresAt);
  const subject = `Confirm your email address for ${input.teamName}`;
  const text = [
    `Hello,`,
    ``,
    `your identity provider gave ${input.to} as your email address in the team "${input.teamName}".`,
    `Open this link to confirm that this address is yours:`,
    ``,
    input.link,
    ``,
    `The link works once and expires on ${expiry}.`,
    `If it has expired, ask your team administrator to send a new one.`,
    `If you did not expect this email, you can ignore it: nothing changes until the link is opened.`,
    ``,
  ].join('\n');
  const team = escapeHtml(input.teamName);
  const link = escapeHtml(input.link);
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #1a1a1a;">
<p>Hello,</p>
<p>your identity provider gave <strong>${escapeHtml(input.to)}</strong> as your email address in the team <strong>${team}</strong>.</p>
<p>Confirm that this address is yours:</p>
<p><a href="${link}" style="display: inline-block; padding: 10px 16px; background: #1f4fd1; color: #ffffff; text-decoration: none; border-radius: 4px;">Confirm my email address</a></p>
<p>Or copy this link into your browser:<br><span style="word-break: break-all;">${link}</span></p>
<p>The link works once and expires on ${escapeHtml(expiry)}.<br>If it has expired, ask your team administrator to send a new one.</p>
<p style="color: #555555;">If you did not expect this email, you can ignore it: nothing changes until the link is opened.</p>
</body>
</html>
`;
  return { to: input.to, subject, text, html };
}
