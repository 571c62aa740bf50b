-- Who holds a delivery's claim (a node's id; "single-node" without a cluster): a node that starts
-- again takes back at once the deliveries its previous run was attempting when it died, instead of
-- waiting for their claims to run out.
ALTER TABLE webhook_deliveries ADD COLUMN claimed_by VARCHAR(64);
