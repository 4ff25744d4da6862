import { linkMail, type LinkMailInput, type LinkMailWording } from './link-mail';
import type { Mail } from './mailer';

const EMAIL_VALIDATION: LinkMailWording = {
  subject: (teamName) => `Confirm your email address for ${teamName}`,
  opening: (marks) => `your identity provider gave ${marks.to} as your email address in the team ${marks.team}.`,
  action: 'confirm that this address is yours',
  button: 'Confirm my email address',
  whenExpired: 'If it has expired, ask your team administrator to send a new one.',
  unexpected: 'If you did not expect this email, you can ignore it: nothing changes until the link is opened.',
};

/**
 * The email-validation mail (team flag validate_saml_emails): the address came from the team's
 * identity provider, and opening the link proves the person reads it.
 */
export function emailValidationMail(input: LinkMailInput): Mail {
  return linkMail(EMAIL_VALIDATION, input);
}
