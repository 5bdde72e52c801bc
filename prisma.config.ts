import path from "node:path";
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { parseIntoClientConfig } from "pg-connection-string";
import { defineConfig } from "prisma/config";
import { mapCatalogTypesToText } from "./app/db/pg-catalog-types";

// `prisma migrate` runs Prisma's WASM schema engine over the pg driver adapter, so the CLI
// never downloads an engine binary (docs/decisions/0002-prisma-offline.md). Run it through
// `npm run prisma -- <command>`, which provides DATABASE_URL (embedded PostgreSQL when unset).
export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) {
      throw new Error("DATABASE_URL is not set: run the Prisma CLI through `npm run prisma -- ...`");
    }
    mapCatalogTypesToText();
    return withShadowDatabase(parseIntoClientConfig(connectionString));
  },
});

/**
 * PrismaPg 6.19's own connectToShadowDb() is broken for `migrate dev` / `migrate diff
 * --from-migrations`: it opens the shadow database with `{ ...config, database }`, which a
 * `connectionString` overrides (so the real database becomes the shadow database), and it
 * drops the shadow database before closing its pool ("is being accessed by other users").
 * This one creates a throw-away database, closes its pool, then drops it.
 */
type Adapter = Awaited<ReturnType<PrismaPg["connect"]>>;

/**
 * PrismaPg 6.19's executeScript() splits a migration on every ";" (inside comments, strings and
 * function bodies too) and runs the pieces one by one, each committed on its own. Prisma's own
 * engine sends the script whole; so does this: one simple-protocol query, which PostgreSQL runs
 * as one implicit transaction (a migration applies completely or not at all, and may define
 * PL/pgSQL functions, e.g. the sync log's rollup triggers).
 */
function wholeScripts(adapter: Adapter): Adapter {
  const driver = adapter.underlyingDriver() as { query(sql: string): Promise<unknown> };
  adapter.executeScript = async (script: string) => {
    try {
      await driver.query(script);
    } catch (error) {
      (adapter as unknown as { onError(error: unknown): never }).onError(error);
    }
  };
  return adapter;
}

function withShadowDatabase(config: ReturnType<typeof parseIntoClientConfig>) {
  const factory = new PrismaPg(config);
  const connect = factory.connect.bind(factory);
  factory.connect = async () => wholeScripts(await connect());
  factory.connectToShadowDb = async () => {
    const admin = await factory.connect();
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    await admin.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = wholeScripts(await new PrismaPg({ ...config, database }).connect());
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      try {
        await dispose();
        await admin.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
      } finally {
        await admin.dispose();
      }
    };
    return shadow;
  };
  return factory;
}
