DROP TABLE drill_events;
DROP INDEX drill_sessions_by_trainee;
DROP TABLE drill_sessions;
