ALTER TABLE audit_trail DROP COLUMN servers;
ALTER TABLE audit_trail DROP COLUMN environment;
