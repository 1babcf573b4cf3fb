-- The account's credentials version: every new password (changed or reset) and "sign out of all
-- other sessions" moves it on. A session records the version it was made under and is usable
-- only while the account still has that version, so a login that read the old password hash
-- before a reset committed cannot start a session that outlives the reset.
ALTER TABLE users ADD COLUMN credentials_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN credentials_version INTEGER NOT NULL DEFAULT 0;
