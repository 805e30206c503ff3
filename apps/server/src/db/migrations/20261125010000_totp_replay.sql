-- The last TOTP time step a user has used: a code is accepted once (RFC 6238, section 5.2).
ALTER TABLE users ADD COLUMN mfa_last_step bigint;
