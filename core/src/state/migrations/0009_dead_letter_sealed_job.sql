-- A dead letter's job data is kept scrubbed of provider secrets (a ping's callback URL token, a push's
-- shared token); when a replay needs what was scrubbed, the original is kept beside it, encrypted with
-- the token key (AES-256-GCM, bound to the row's id), never in clear.
ALTER TABLE dead_letters ADD COLUMN job_data_ciphertext text;
