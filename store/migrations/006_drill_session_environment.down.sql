ALTER TABLE drill_sessions DROP COLUMN environment;
