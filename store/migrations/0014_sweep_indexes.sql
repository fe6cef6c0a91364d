-- The hourly sweep deletes spent and expired sign-in secrets by their
-- expiry: indexes so that it reads only what it deletes, however many
-- accounts the registry has.
CREATE INDEX user_tokens_expiry ON user_tokens (expires_at);
CREATE INDEX claim_codes_expiry ON claim_codes (expires_at);
