-- Consecutive failed password checks of an account (logins, and wrong current passwords on
-- Change Password), and when the last one happened: what slows down and then locks the
-- account's logins. On the account's row, so every node sees one count, a success or a new
-- password clears it in the same statement that sets the hash, and it goes with the account.
-- BIGINT like every other number here, so both databases decode to the same Rust type.
ALTER TABLE users ADD COLUMN failed_logins BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_failed_login_at BIGINT;
