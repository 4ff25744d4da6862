import { linkMail, type LinkMailInput, type LinkMailWording } from './link-mail';
import type { Mail } from './mailer';

const INVITATION: LinkMailWording = {
  subject: (teamName) => `You are invited to join ${teamName}`,
  opening: (marks) => `you have been invited to join the team ${marks.team}.`,
  action: 'set your password and activate your account',
  button: 'Accept the invitation',
  whenExpired: 'If it has expired, ask your team administrator to send a new invitation.',
  unexpected: 'If you did not expect this email, you can ignore it.',
};

/** The invitation email: team name, accept link, expiry. */
export function invitationMail(input: LinkMailInput): Mail {
  return linkMail(INVITATION, input);
}
