-- Drill journals get a trail of their own (issue 23): the rollout's audit
-- trail, its report, timeline and trail view show rollout facts only.
-- Same columns and the same append-only rule as audit_trail. The drill
-- rows already written are moved here with their ids (a journal's events
-- name its drill_started row by id); the append-only trigger of
-- audit_trail is lifted for this one DELETE and put back.
CREATE TABLE drill_journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms INTEGER NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,                -- drill_started, drill_event, drill_journal_closed
    plan TEXT NOT NULL DEFAULT '',     -- "drill-journal"
    rollout INTEGER NOT NULL DEFAULT 0,
    subject TEXT NOT NULL DEFAULT '',  -- drill name, or the id of the journal's drill_started row
    note TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    source_time_s REAL NOT NULL DEFAULT 0,
    evidence TEXT NOT NULL DEFAULT '{}',
    environment TEXT NOT NULL DEFAULT '',
    servers TEXT NOT NULL DEFAULT ''
);
CREATE INDEX drill_journal_by_kind ON drill_journal(kind, id);
INSERT INTO drill_journal (id, at_ms, actor, kind, plan, rollout, subject, note, source,
    source_time_s, evidence, environment, servers)
    SELECT id, at_ms, actor, kind, plan, rollout, subject, note, source, source_time_s, evidence,
        environment, servers
    FROM audit_trail WHERE plan = 'drill-journal' ORDER BY id;
DROP TRIGGER audit_trail_no_delete;
DELETE FROM audit_trail WHERE plan = 'drill-journal';
CREATE TRIGGER audit_trail_no_delete BEFORE DELETE ON audit_trail
BEGIN
    SELECT RAISE(ABORT, 'audit_trail is append-only');
END;
CREATE TRIGGER drill_journal_no_update BEFORE UPDATE ON drill_journal
BEGIN
    SELECT RAISE(ABORT, 'drill_journal is append-only');
END;
CREATE TRIGGER drill_journal_no_delete BEFORE DELETE ON drill_journal
BEGIN
    SELECT RAISE(ABORT, 'drill_journal is append-only');
END;
