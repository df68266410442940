-- 0014_audit_by_type: the audit log by event type, newest first, so that
-- the console's audit browser finds a rare type (ConsoleUserDisabled)
-- among millions of issuances without scanning them.

CREATE INDEX identity_audit_by_type ON identity_audit (event_type, at, id);
