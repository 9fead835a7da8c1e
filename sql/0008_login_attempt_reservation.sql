-- Baton schema, part 8: brute-force limits checked and counted in one atomic step.
-- Login used to read the counters, verify the password, and only then count a failure, so a burst of concurrent
-- guesses all passed the check before any was counted. reserve_login_attempt counts an attempt before the password
-- is verified, for every key at once, unless one of them is at its limit; a correct password or an attempt that was
-- no guess gives it back (LoginThrottle in BatonCore; the memory store does the same, and the store contract tests
-- hold both to it).
-- The INSERT … ON CONFLICT DO UPDATE locks each key's row (creating it where missing, and starting a new window
-- where the old one is over) in the keys' sorted order, so concurrent reservations of the same keys queue behind each
-- other, across instances, and never deadlock; each then decides on the counts the one before it committed.
CREATE FUNCTION reserve_login_attempt(tenant uuid, keys text[], limits integer[], now timestamptz, since timestamptz)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    refused boolean;
BEGIN
    INSERT INTO login_failures (tenant_id, throttle_key, window_start, failures)
    SELECT tenant, key, now, 0 FROM unnest(keys) AS key ORDER BY key
    ON CONFLICT (tenant_id, throttle_key) DO UPDATE SET
        window_start = CASE WHEN login_failures.window_start > since THEN login_failures.window_start ELSE now END,
        failures = CASE WHEN login_failures.window_start > since THEN login_failures.failures ELSE 0 END;
    SELECT coalesce(bool_or(f.failures >= w.lim), false) INTO refused
    FROM unnest(keys, limits) AS w(key, lim)
    JOIN login_failures AS f ON f.tenant_id = tenant AND f.throttle_key = w.key;
    IF refused THEN
        RETURN false;
    END IF;
    UPDATE login_failures SET failures = failures + 1 WHERE tenant_id = tenant AND throttle_key = ANY(keys);
    RETURN true;
END
$$;
