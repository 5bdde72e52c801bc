-- The rollup's triggers, cheaper (measured with pgbench, one client: an order's insert and two
-- state changes cost 4.8 ms without the triggers, 10.8 ms with the first version). A state change
-- is one UPDATE of its day's row by primary key (the row exists: the order's insert made it),
-- and inserts/deletes are one grouped statement, planned once per session.
CREATE OR REPLACE FUNCTION order_sync_day_change() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.shop = NEW.shop AND OLD.created_at = NEW.created_at THEN
    UPDATE order_sync_day SET
      queued = queued + (NEW.status = 'queued')::int - (OLD.status = 'queued')::int,
      syncing = syncing + (NEW.status = 'syncing')::int - (OLD.status = 'syncing')::int,
      synced = synced + (NEW.status = 'synced')::int - (OLD.status = 'synced')::int,
      synced_with_difference = synced_with_difference + (NEW.status = 'synced_with_difference')::int - (OLD.status = 'synced_with_difference')::int,
      failed = failed + (NEW.status = 'failed')::int - (OLD.status = 'failed')::int,
      needs_reconnect = needs_reconnect + (NEW.status = 'needs_reconnect')::int - (OLD.status = 'needs_reconnect')::int,
      skipped = skipped + (NEW.status = 'skipped')::int - (OLD.status = 'skipped')::int
    WHERE shop = NEW.shop AND day = (NEW.created_at AT TIME ZONE 'UTC')::date;
    IF FOUND THEN
      RETURN NULL;
    END IF;
  END IF;
  PERFORM order_sync_day_bump(
    ARRAY[OLD.shop, NEW.shop],
    ARRAY[(OLD.created_at AT TIME ZONE 'UTC')::date, (NEW.created_at AT TIME ZONE 'UTC')::date],
    ARRAY[OLD.status, NEW.status],
    ARRAY[-1, 1]::BIGINT[]);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION order_sync_day_rows() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO order_sync_day AS d (shop, day, queued, syncing, synced, synced_with_difference, failed, needs_reconnect, skipped)
    SELECT shop, (created_at AT TIME ZONE 'UTC')::date,
      count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status = 'syncing'),
      count(*) FILTER (WHERE status = 'synced'), count(*) FILTER (WHERE status = 'synced_with_difference'),
      count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'needs_reconnect'),
      count(*) FILTER (WHERE status = 'skipped')
    FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (shop, day) DO UPDATE SET
      queued = d.queued + excluded.queued, syncing = d.syncing + excluded.syncing, synced = d.synced + excluded.synced,
      synced_with_difference = d.synced_with_difference + excluded.synced_with_difference, failed = d.failed + excluded.failed,
      needs_reconnect = d.needs_reconnect + excluded.needs_reconnect, skipped = d.skipped + excluded.skipped;
  ELSE
    UPDATE order_sync_day AS d SET
      queued = d.queued - g.queued, syncing = d.syncing - g.syncing, synced = d.synced - g.synced,
      synced_with_difference = d.synced_with_difference - g.synced_with_difference, failed = d.failed - g.failed,
      needs_reconnect = d.needs_reconnect - g.needs_reconnect, skipped = d.skipped - g.skipped
    FROM (
      SELECT shop, (created_at AT TIME ZONE 'UTC')::date AS day,
        count(*) FILTER (WHERE status = 'queued') AS queued, count(*) FILTER (WHERE status = 'syncing') AS syncing,
        count(*) FILTER (WHERE status = 'synced') AS synced, count(*) FILTER (WHERE status = 'synced_with_difference') AS synced_with_difference,
        count(*) FILTER (WHERE status = 'failed') AS failed, count(*) FILTER (WHERE status = 'needs_reconnect') AS needs_reconnect,
        count(*) FILTER (WHERE status = 'skipped') AS skipped
      FROM old_rows GROUP BY 1, 2
    ) g
    WHERE d.shop = g.shop AND d.day = g.day;
  END IF;
  RETURN NULL;
END $$;
