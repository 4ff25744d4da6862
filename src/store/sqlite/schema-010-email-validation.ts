/**
 * Migration 010_email_validation: the team flag validate_saml_emails, and a purpose on mailed links
 * so email validations reuse the invitations table (hash-only secrets, single use, expiry, voiding).
 */
export const EMAIL_VALIDATION_SCHEMA_010 = `
ALTER TABLE teams ADD COLUMN validate_saml_emails INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN purpose TEXT NOT NULL DEFAULT 'invitation';
-- Every SCIM user list asks for the page's open validations; most teams have none, and this answers that in one probe.
CREATE INDEX invitations_open_validations ON invitations (team_id) WHERE purpose = 'email-validation' AND accepted_at IS NULL AND voided_at IS NULL;
`;
