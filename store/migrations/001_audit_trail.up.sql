-- The append-only audit trail of the console: checklist checks and
-- unchecks, gate passes and failures, traffic steps, rollbacks. Rows are
-- never changed or erased (the triggers refuse it); unchecking is a new row.
CREATE TABLE audit_trail (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms INTEGER NOT NULL,            -- wall clock, Unix milliseconds
    actor TEXT NOT NULL,               -- operator name, or "system" for automatic actions
    kind TEXT NOT NULL,                -- item_checked, gate_passed, weight_set, rollback, ...
    plan TEXT NOT NULL DEFAULT '',     -- plan name the row belongs to
    rollout INTEGER NOT NULL DEFAULT 0,-- blue-green rollout number (0 = none)
    subject TEXT NOT NULL DEFAULT '',  -- item id, step index, trigger name
    note TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',   -- the Source's display name
    source_time_s REAL NOT NULL DEFAULT 0,
    evidence TEXT NOT NULL DEFAULT '{}' -- JSON: values, bars, snapshot
);
CREATE INDEX audit_trail_by_subject ON audit_trail(plan, subject, id);
CREATE INDEX audit_trail_by_rollout ON audit_trail(rollout, id);
CREATE TRIGGER audit_trail_no_update BEFORE UPDATE ON audit_trail
BEGIN
    SELECT RAISE(ABORT, 'audit_trail is append-only');
END;
CREATE TRIGGER audit_trail_no_delete BEFORE DELETE ON audit_trail
BEGIN
    SELECT RAISE(ABORT, 'audit_trail is append-only');
END;
