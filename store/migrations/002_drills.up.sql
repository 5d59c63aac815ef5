-- Drill sessions and their timelines (drills/DrillSessionStore). A session
-- is written once, in one transaction, when the drill ends: the row and all
-- its events, or nothing.
CREATE TABLE drill_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    drill TEXT NOT NULL,                 -- drill name (file stem)
    title TEXT NOT NULL,
    trainee TEXT NOT NULL DEFAULT '',
    trainer TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',     -- the Source's display name
    started_at_ms INTEGER NOT NULL,      -- wall clock, Unix milliseconds
    start_source_s REAL NOT NULL DEFAULT 0,
    duration_s REAL NOT NULL,            -- drill time when it ended
    passed INTEGER NOT NULL,
    mttd_s REAL,                         -- NULL when not detected
    mttr_s REAL,                         -- NULL when not resolved
    mttd_target_s REAL NOT NULL,
    mttr_target_s REAL NOT NULL,
    emergency_stopped INTEGER NOT NULL DEFAULT 0,
    score TEXT NOT NULL DEFAULT '{}'     -- JSON: reasons, wrong actions, escalation
);
CREATE INDEX drill_sessions_by_trainee ON drill_sessions(trainee, started_at_ms);
CREATE TABLE drill_events (
    session INTEGER NOT NULL REFERENCES drill_sessions(id),
    seq INTEGER NOT NULL,
    at_s REAL NOT NULL,                  -- drill time
    kind TEXT NOT NULL,                  -- started, fault_injected, acknowledged, action, ...
    text TEXT NOT NULL,
    who TEXT NOT NULL DEFAULT '',
    hidden INTEGER NOT NULL DEFAULT 0,   -- part of the trainer's script
    PRIMARY KEY (session, seq)
);
