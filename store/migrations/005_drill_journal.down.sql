-- Back into audit_trail, after its newest row (ids written in both tables
-- since 005 may collide): every id moves by the same offset, and so do the
-- journal keys in the subjects of events and closes.
CREATE TEMP TABLE drill_journal_offset AS SELECT COALESCE(MAX(id), 0) AS n FROM audit_trail;
INSERT INTO audit_trail (id, at_ms, actor, kind, plan, rollout, subject, note, source,
    source_time_s, evidence, environment, servers)
    SELECT d.id + o.n, d.at_ms, d.actor, d.kind, d.plan, d.rollout,
        CASE WHEN d.kind = 'drill_started' THEN d.subject
             ELSE CAST(CAST(d.subject AS INTEGER) + o.n AS TEXT) END,
        d.note, d.source, d.source_time_s, d.evidence, d.environment, d.servers
    FROM drill_journal d, drill_journal_offset o ORDER BY d.id;
DROP TABLE drill_journal_offset;
DROP TRIGGER drill_journal_no_delete;
DROP TRIGGER drill_journal_no_update;
DROP INDEX drill_journal_by_kind;
DROP TABLE drill_journal;
