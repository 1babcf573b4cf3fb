-- Until when a message's body holds a secret worth something (a reset link's expiry). A message
-- still unsent then is not sent but blanked; one whose link is ended (a newer link, a new
-- password, the account disabled) is blanked at once. The bodies themselves are stored sealed
-- under the deployment key from now on (`mail/sealed.rs`).
ALTER TABLE mail_outbox ADD COLUMN secret_until BIGINT;
-- Bodies queued in clear before this migration cannot be opened by the new worker: drop them.
UPDATE mail_outbox SET text_body = '', html_body = '', failed_at = created_at,
    last_error = 'queued before bodies were sealed'
    WHERE sent_at IS NULL AND failed_at IS NULL;
