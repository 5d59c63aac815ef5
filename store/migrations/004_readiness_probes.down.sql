DROP INDEX readiness_probes_by_server;
DROP TABLE readiness_probes;
