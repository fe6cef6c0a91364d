-- Pending sign-ins in the order they began, so that a user who opens more
-- than auth.MaxPendingSignIns sees the oldest make way (store
-- CreatePendingSignIn). Rows from before this migration keep 0: oldest.
ALTER TABLE signin_pending ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX signin_pending_user ON signin_pending (user_id, seq);
