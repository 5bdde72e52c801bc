import type { TestProject } from "vitest/node";
import pg from "pg";
import { startEmbeddedPostgres } from "../../app/db/embedded-postgres.server";
import { runPrisma } from "../../app/bin/prisma-cli.server";
import { migrateWorkerSchema } from "../../app/jobs/migrate.server";
import { CLONE_NAME_PATTERN, TEMPLATE_DATABASE } from "../helpers/database";

declare module "vitest" {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

/**
 * Once per `vitest run`: a real PostgreSQL (DATABASE_URL's server when set, else the embedded
 * one), and a template database migrated exactly as production is (`prisma migrate deploy`,
 * then graphile-worker's migrations). Each test file clones the template (tests/setup/per-file.ts).
 */
export default async function setup(project: TestProject) {
  const env = project.config.env;
  let adminUrl: string;
  let stop = async () => {};
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = "/postgres";
    adminUrl = url.toString();
  } else {
    const server = await startEmbeddedPostgres({
      dataDir: String(env.EMBEDDED_POSTGRES_DIR),
      port: Number(env.EMBEDDED_POSTGRES_PORT),
      database: "postgres",
    });
    adminUrl = server.adminUrl;
    stop = () => server.stop();
  }

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
  await admin.query(`create database ${TEMPLATE_DATABASE}`);
  // Leftovers of an interrupted earlier run: our clones only (never a database of someone else's
  // on a shared DATABASE_URL server), and none that a run going on at the same time is using.
  const stale = await admin.query<{ datname: string }>(
    `select datname from pg_database d where datname ~ $1
       and not exists (select 1 from pg_stat_activity a where a.datname = d.datname)`,
    [CLONE_NAME_PATTERN],
  );
  for (const { datname } of stale.rows) await admin.query(`drop database if exists "${datname}" with (force)`);
  await admin.end();

  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
  process.env.DATABASE_URL = templateUrl.toString();
  try {
    await runPrisma(["migrate", "deploy"], { quiet: true });
  } finally {
    if (process.env.DATABASE_URL === templateUrl.toString()) delete process.env.DATABASE_URL;
  }
  await migrateWorkerSchema(templateUrl.toString());

  project.provide("adminDatabaseUrl", adminUrl);
  return stop;
}
