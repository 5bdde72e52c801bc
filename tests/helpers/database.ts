import { randomBytes } from "node:crypto";
import pg from "pg";

export const TEMPLATE_DATABASE = "app_test_template";

/** Names of the per-file clones: only databases matching it are ever cleaned up as leftovers. */
export const CLONE_NAME_PATTERN = "^app_test_[0-9]+_[0-9a-f]{8}$";

/** A fresh database cloned from the migrated template (milliseconds, unlike migrating). */
export async function cloneTemplate(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `app_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}" template ${TEMPLATE_DATABASE}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}
