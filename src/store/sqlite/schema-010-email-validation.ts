/**
 * Migration 010_email_validation: the team flag validate_saml_emails, and a purpose on mailed links
 * so email validations reuse the invitations table (hash-only secrets, single use, expiry, voiding).
 */
export const EMAIL_VALIDATION_SCHEMA_010 = `
ALTER TABLE teams ADD COLUMN validate_saml_emails INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN purpose TEXT NOT NULL DEFAULT 'invitation';
`;
