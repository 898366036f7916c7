-- A data payload whose user disconnected before it could be delivered is withheld: never sent, recorded.
ALTER TABLE deliveries DROP CONSTRAINT deliveries_status_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_status_check CHECK (status IN ('delivered', 'failed', 'dead', 'withheld'));
