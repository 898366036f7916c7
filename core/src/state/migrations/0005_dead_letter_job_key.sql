-- Every job that fails for good becomes a dead letter, written by whichever process sees the failure
-- first (the worker it failed in, or a later sweep of the failed jobs): the job's key makes it one.
ALTER TABLE dead_letters ADD COLUMN job_key text;
CREATE UNIQUE INDEX dead_letters_job_key_key ON dead_letters (job_key) WHERE job_key IS NOT NULL;
