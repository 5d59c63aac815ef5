DROP TRIGGER audit_trail_no_delete;
DROP TRIGGER audit_trail_no_update;
DROP INDEX audit_trail_by_rollout;
DROP INDEX audit_trail_by_subject;
DROP TABLE audit_trail;
