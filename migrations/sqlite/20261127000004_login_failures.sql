-- Consecutive failed password checks of an account (logins, and wrong current passwords on
-- Change Password), and when the last one happened: what slows down and then locks the
-- account's logins. On the account's row, so every node sees one count, a success or a new
-- password clears it in the same statement that sets the hash, and it goes with the account.
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_failed_login_at INTEGER;
