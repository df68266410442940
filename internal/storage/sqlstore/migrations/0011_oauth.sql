-- 0011_oauth: a refresh token issued by the OAuth endpoints keeps the
-- scopes and OpenID nonce it was granted, so refreshed tokens carry them.

ALTER TABLE refresh_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT '';
ALTER TABLE refresh_tokens ADD COLUMN nonce TEXT NOT NULL DEFAULT '';
