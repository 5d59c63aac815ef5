-- Where each row's evidence came from (the evidence issue): "rehearsal"
-- (the simulator), "staging" or "production" (what the servers were
-- started as), "" for rows that rest on no source. And which servers.
-- Rows written before this existed are filled in once, here: the
-- simulator's rows are rehearsal; live rows are staging, which every
-- server was before --environment existed. The append-only trigger is
-- lifted for this one UPDATE and put back.
ALTER TABLE audit_trail ADD COLUMN environment TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_trail ADD COLUMN servers TEXT NOT NULL DEFAULT '';
DROP TRIGGER audit_trail_no_update;
UPDATE audit_trail SET environment = CASE
    WHEN source LIKE 'Simulator%' THEN 'rehearsal'
    WHEN source = '' THEN ''
    ELSE 'staging' END;
CREATE TRIGGER audit_trail_no_update BEFORE UPDATE ON audit_trail
BEGIN
    SELECT RAISE(ABORT, 'audit_trail is append-only');
END;
