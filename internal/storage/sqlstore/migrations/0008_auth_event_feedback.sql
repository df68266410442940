-- 0008_auth_event_feedback: the feedback given on an authentication event
-- (AdminUpdateAuthEventFeedback, UpdateAuthEventFeedback): its value, who
-- gave it and when; '' and 0 while there is none.

ALTER TABLE auth_events ADD COLUMN feedback_value TEXT NOT NULL DEFAULT '';
ALTER TABLE auth_events ADD COLUMN feedback_provider TEXT NOT NULL DEFAULT '';
ALTER TABLE auth_events ADD COLUMN feedback_at BIGINT NOT NULL DEFAULT 0;
