-- Baton schema, part 4: when a retiring key may retire (rotation time + access-token lifetime + leeway),
-- fixed at rotation so a later change of the tenant's access_token_ttl cannot retire a key early.
ALTER TABLE signing_keys ADD COLUMN retire_after timestamptz;
ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_retiring_has_deadline CHECK (state <> 'retiring' OR retire_after IS NOT NULL);
