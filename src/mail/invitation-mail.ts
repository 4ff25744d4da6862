import type { Mail } from './mailer';
import { escapeHtml } from './html';

export interface InvitationMailInput {
  to: string;
  teamName: string;
  /** The accept link, secret included. */
  link: string;
  expiresAt: Date;
}

/** "Monday, 30 November 2026, 14:05 UTC": unambiguous for every reader, whatever their locale. */
export function formatExpiry(date: Date): string {
  const day = date.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const time = date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'UTC' });
  return `${day}, ${time} UTC`;
}

/**
 * The invitation email, plain text and HTML with the same content: team name, link, expiry.
 * No tracking: no images, no pixels, no redirecting links — the link is the accept page itself.
 */
export function invitationMail(input: InvitationMailInput): Mail {
  const expiry = formatExpiry(input.expiresAt);
  const subject = `You are invited to join ${input.teamName}`;
  const text = [
    `Hello,`,
    ``,
    `you have been invited to join the team "${input.teamName}".`,
    `Open this link to set your password and activate your account:`,
    ``,
    input.link,
    ``,
    `The link works once and expires on ${expiry}.`,
    `If it has expired, ask your team administrator to send a new invitation.`,
    `If you did not expect this email, you can ignore it.`,
    ``,
  ].join('\n');
  const team = escapeHtml(input.teamName);
  const link = escapeHtml(input.link);
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #1a1a1a;">
<p>Hello,</p>
<p>you have been invited to join the team <strong>${team}</strong>.</p>
<p>Set your password and activate your account:</p>
<p><a href="${link}" style="display: inline-block; padding: 10px 16px; background: #1f4fd1; color: #ffffff; text-decoration: none; border-radius: 4px;">Accept the invitation</a></p>
<p>Or copy this link into your browser:<br><span style="word-break: break-all;">${link}</span></p>
<p>The link works once and expires on ${escapeHtml(expiry)}.<br>If it has expired, ask your team administrator to send a new invitation.</p>
<p style="color: #555555;">If you did not expect this email, you can ignore it.</p>
</body>
</html>
`;
  return { to: input.to, subject, text, html };
}
