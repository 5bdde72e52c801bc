/**
 * The embedded PostgreSQL of `npm run demo` and `npm run local`, in a process of its own started
 * in a separate process group (app/db/postgres-host.server.ts): a Ctrl-C in the terminal reaches
 * the demo or the local server and the worker, but not PostgreSQL, which must outlive them (they
 * finish their jobs first). It is stopped last, over the IPC channel; if its parent dies, the
 * channel closes and it stops too.
 *
 * Arguments: <data dir> <port>. Sends { ready: adminUrl } or { error } to the parent.
 */
import { startEmbeddedPostgres } from "./embedded-postgres.server";

const [dataDir, portArgument] = process.argv.slice(2);
const send = (message: unknown) => process.send?.(message);

try {
  if (!dataDir || !portArgument) throw new Error("usage: postgres-host.ts <data dir> <port>");
  const server = await startEmbeddedPostgres({ dataDir, port: Number(portArgument), database: "postgres" });
  if (!server.owned)
    throw new Error(`another PostgreSQL already answers on port ${portArgument}; is a demo or npm run local already running?`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("message", (message) => message === "stop" && stop());
  process.on("disconnect", stop);
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  send({ ready: server.adminUrl });
} catch (error) {
  send({ error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
