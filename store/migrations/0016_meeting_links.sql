-- Consultations online: an advisor's meeting link (their profile), and a
-- booking's own link that overrides it (set by its advisor). Both hold
-- only what advisors.CheckMeetingLink passed; '' is none. A booking shows
-- advisors.MeetingLink of the two, for online consultations only.
ALTER TABLE advisors ADD COLUMN meeting_url TEXT NOT NULL DEFAULT '';
ALTER TABLE bookings ADD COLUMN meeting_url TEXT NOT NULL DEFAULT '';
