-- The sync log's summary per day (docs/decisions/0015-performance.md): one row per shop and UTC
-- day of the order's arrival (order_sync.created_at), one count per sync state. The summary of a
-- 90-day period reads ~91 of these rows instead of scanning every order of the period.
CREATE TABLE "order_sync_day" (
    "shop" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "queued" INTEGER NOT NULL DEFAULT 0,
    "syncing" INTEGER NOT NULL DEFAULT 0,
    "synced" INTEGER NOT NULL DEFAULT 0,
    "synced_with_difference" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "needs_reconnect" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "order_sync_day_pkey" PRIMARY KEY ("shop", "day")
);

-- Adds grouped counts (shop, day, state, n, a negative n removes) to the rollup, in (shop, day) order so
-- two transactions touching the same days lock them in the same order.
CREATE FUNCTION order_sync_day_bump(shops TEXT[], days DATE[], statuses TEXT[], ns BIGINT[]) RETURNS VOID
LANGUAGE sql AS $$
  INSERT INTO order_sync_day AS d (shop, day, queued, syncing, synced, synced_with_difference, failed, needs_reconnect, skipped)
  SELECT shop, day,
    coalesce(sum(n) FILTER (WHERE status = 'queued'), 0),
    coalesce(sum(n) FILTER (WHERE status = 'syncing'), 0),
    coalesce(sum(n) FILTER (WHERE status = 'synced'), 0),
    coalesce(sum(n) FILTER (WHERE status = 'synced_with_difference'), 0),
    coalesce(sum(n) FILTER (WHERE status = 'failed'), 0),
    coalesce(sum(n) FILTER (WHERE status = 'needs_reconnect'), 0),
    coalesce(sum(n) FILTER (WHERE status = 'skipped'), 0)
  FROM unnest(shops, days, statuses, ns) AS u(shop, day, status, n)
  GROUP BY shop, day
  ORDER BY shop, day
  ON CONFLICT (shop, day) DO UPDATE SET
    queued = d.queued + excluded.queued,
    syncing = d.syncing + excluded.syncing,
    synced = d.synced + excluded.synced,
    synced_with_difference = d.synced_with_difference + excluded.synced_with_difference,
    failed = d.failed + excluded.failed,
    needs_reconnect = d.needs_reconnect + excluded.needs_reconnect,
    skipped = d.skipped + excluded.skipped
$$;

-- Kept by triggers, in the same transaction as every change of an order's state, whoever writes
-- it (the webhook intake, the worker's claim and outcome, Retry, reconnect, retention, redaction,
-- an import, a hand-written fix): no writer can forget it.
-- Inserts and deletes: once per statement, grouped (a bulk insert of a million rows is one upsert
-- per day, not a million).
CREATE FUNCTION order_sync_day_rows() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM order_sync_day_bump(array_agg(g.shop), array_agg(g.day), array_agg(g.status), array_agg(g.n))
    FROM (SELECT shop, (created_at AT TIME ZONE 'UTC')::date AS day, status, count(*) AS n FROM new_rows GROUP BY 1, 2, 3) g
    HAVING count(*) > 0;
  ELSE
    PERFORM order_sync_day_bump(array_agg(g.shop), array_agg(g.day), array_agg(g.status), array_agg(-g.n))
    FROM (SELECT shop, (created_at AT TIME ZONE 'UTC')::date AS day, status, count(*) AS n FROM old_rows GROUP BY 1, 2, 3) g
    HAVING count(*) > 0;
  END IF;
  RETURN NULL;
END $$;

-- Updates: once per row whose state (or day) changes, and not at all for the many updates that
-- change neither (lease renewals, invoice ids, retry budgets).
CREATE FUNCTION order_sync_day_change() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM order_sync_day_bump(
    ARRAY[OLD.shop, NEW.shop],
    ARRAY[(OLD.created_at AT TIME ZONE 'UTC')::date, (NEW.created_at AT TIME ZONE 'UTC')::date],
    ARRAY[OLD.status, NEW.status],
    ARRAY[-1, 1]::BIGINT[]);
  RETURN NULL;
END $$;

-- TRUNCATE fires no row triggers: the rollup is emptied with the table (tests, a reset).
CREATE FUNCTION order_sync_day_truncate() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM order_sync_day;
  RETURN NULL;
END $$;

-- No order changes state while the rollup is built: the triggers and the backfill see the same rows.
LOCK TABLE "order_sync" IN SHARE ROW EXCLUSIVE MODE;

CREATE TRIGGER order_sync_day_insert AFTER INSERT ON "order_sync"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION order_sync_day_rows();
CREATE TRIGGER order_sync_day_delete AFTER DELETE ON "order_sync"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION order_sync_day_rows();
CREATE TRIGGER order_sync_day_update AFTER UPDATE ON "order_sync"
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.shop IS DISTINCT FROM NEW.shop)
  EXECUTE FUNCTION order_sync_day_change();
CREATE TRIGGER order_sync_day_truncate AFTER TRUNCATE ON "order_sync"
  FOR EACH STATEMENT EXECUTE FUNCTION order_sync_day_truncate();

INSERT INTO order_sync_day (shop, day, queued, syncing, synced, synced_with_difference, failed, needs_reconnect, skipped)
SELECT shop, (created_at AT TIME ZONE 'UTC')::date,
  count(*) FILTER (WHERE status = 'queued'),
  count(*) FILTER (WHERE status = 'syncing'),
  count(*) FILTER (WHERE status = 'synced'),
  count(*) FILTER (WHERE status = 'synced_with_difference'),
  count(*) FILTER (WHERE status = 'failed'),
  count(*) FILTER (WHERE status = 'needs_reconnect'),
  count(*) FILTER (WHERE status = 'skipped')
FROM "order_sync"
GROUP BY 1, 2;
