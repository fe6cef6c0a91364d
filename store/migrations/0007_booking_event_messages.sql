-- A booking's messages are composed after its transaction commits, from
-- the event row the transaction wrote: message_kind says which messages
-- the change sends (confirmed, changed, cancelled; '' none), and the row
-- keeps the booking as it was at that change (sequence, times, reason), so
-- a late composition still describes that change. composed_at is set, in
-- the transaction that queues the messages, once they are queued; until
-- then a worker retries, with attempts, last_error and next_attempt_at
-- (Unix seconds) recording the failures. Older rows queued their messages
-- themselves and have message_kind ''.
ALTER TABLE booking_events ADD COLUMN message_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE booking_events ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
ALTER TABLE booking_events ADD COLUMN start_at INTEGER;
ALTER TABLE booking_events ADD COLUMN end_at INTEGER;
ALTER TABLE booking_events ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE booking_events ADD COLUMN composed_at DATETIME;
ALTER TABLE booking_events ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE booking_events ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE booking_events ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX booking_events_due_idx ON booking_events (next_attempt_at) WHERE message_kind <> '' AND composed_at IS NULL;

-- The advisors a booking shares a result with, found from the result.
CREATE INDEX bookings_response_idx ON bookings (response_id) WHERE response_id IS NOT NULL;
