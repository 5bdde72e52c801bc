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
function withShadowDatabase(config: ReturnType<typeof parseIntoClientConfig>) {
  const factory = new PrismaPg(config);
  factory.connectToShadowDb = async () => {
    const admin = await factory.connect();
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    await admin.executeScript(`CREATE DATABASE "${database}"`);
    const shadow = await new PrismaPg({ ...config, database }).connect();
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
