-- The console's own readiness probes of each live server (GET /readyz),
-- run-length: one row per stretch of equal answers in one watching session
-- (`session`: one number per source start), its end moved forward as probes
-- keep agreeing. A not-ready stretch is
-- downtime the console saw, whatever the server's own record says
-- (docs/console.md, "Availability").
CREATE TABLE readiness_probes (
    id INTEGER PRIMARY KEY,
    server TEXT NOT NULL,
    session INTEGER NOT NULL,
    from_ms INTEGER NOT NULL,
    to_ms INTEGER NOT NULL,
    ready INTEGER NOT NULL CHECK (ready IN (0, 1)),
    probes INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX readiness_probes_by_server ON readiness_probes(server, from_ms);
