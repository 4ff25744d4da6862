import { escapeHtml } from './html';
import type { Mail } from './mailer';

/** What every link mail is addressed with: one person, one team, one single-use link. */
export interface LinkMailInput {
  to: string;
  teamName: string;
  /** The link, secret included. */
  link: string;
  expiresAt: Date;
}

/** The emphasised values of the opening sentence, already rendered for the part being written. */
export interface LinkMailMarks {
  /** The team name: "quoted" in text, bold and escaped in HTML. */
  team: string;
  /** The recipient's address: as is in text, bold and escaped in HTML. */
  to: string;
}

/** The words that make one kind of link mail; everything else is the shared layout. */
export interface LinkMailWording {
  subject: (teamName: string) => string;
  /** The opening sentence; its own words are inserted into HTML unescaped, so keep them free of <, >, & and quotes. */
  opening: (marks: LinkMailMarks) => string;
  /** What opening the link does, lower-case and without the final colon: "confirm that this address is yours". */
  action: string;
  /** The label of the HTML button. */
  button: string;
  /** The sentence after the expiry: what to do once the link has expired. */
  whenExpired: string;
  /** The closing sentence for someone who did not expect the mail. */
  unexpected: string;
}

/** "Monday, 30 November 2026, 14:05 UTC": unambiguous for every reader, whatever their locale. */
export function formatExpiry(date: Date): string {
  const day = date.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const time = date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'UTC' });
  return `${day}, ${time} UTC`;
}

/**
 * A mail whose one purpose is a single-use link, as plain text and HTML with the same content.
 * No tracking: no images, no pixels, no redirecting links — the link is the page itself.
 */
export function linkMail(wording: LinkMailWording, input: LinkMailInput): Mail {
  const expiry = formatExpiry(input.expiresAt);
  const subject = wording.subject(input.teamName);
  const text = [
    `Hello,`,
    ``,
    wording.opening({ team: `"${input.teamName}"`, to: input.to }),
    `Open this link to ${wording.action}:`,
    ``,
    input.link,
    ``,
    `The link works once and expires on ${expiry}.`,
    wording.whenExpired,
    wording.unexpected,
    ``,
  ].join('\n');
  const link = escapeHtml(input.link);
  const opening = wording.opening({ team: `<strong>${escapeHtml(input.teamName)}</strong>`, to: `<strong>${escapeHtml(input.to)}</strong>` });
  const action = wording.action.charAt(0).toUpperCase() + wording.action.slice(1);
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; color: #1a1a1a;">
<p>Hello,</p>
<p>${opening}</p>
<p>${escapeHtml(action)}:</p>
<p><a href="${link}" style="display: inline-block; padding: 10px 16px; background: #1f4fd1; color: #ffffff; text-decoration: none; border-radius: 4px;">${escapeHtml(wording.button)}</a></p>
<p>Or copy this link into your browser:<br><span style="word-break: break-all;">${link}</span></p>
<p>The link works once and expires on ${escapeHtml(expiry)}.<br>${escapeHtml(wording.whenExpired)}</p>
<p style="color: #555555;">${escapeHtml(wording.unexpected)}</p>
</body>
</html>
`;
  return { to: input.to, subject, text, html };
}
