-- Where each drill ran (issue 22): "rehearsal" (the simulator) or "staging"
-- (live servers started as staging; drills never run on production), from
-- the source's first snapshot. Sessions saved before this existed keep ""
-- when nothing says, and are filled in from their source's name otherwise,
-- as 003 did for the audit trail.
ALTER TABLE drill_sessions ADD COLUMN environment TEXT NOT NULL DEFAULT '';
UPDATE drill_sessions SET environment = CASE
    WHEN source LIKE 'Simulator%' OR source LIKE 'Engine%' THEN 'rehearsal'
    WHEN source LIKE 'Live%' THEN 'staging'
    ELSE '' END;
