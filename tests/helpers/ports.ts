import { createServer, type Server } from "node:net";

/**
 * Ports free at this moment, all different: each is asked of the system (port 0) and released.
 * For the child processes a test starts (a demo, `npm run local`): a fixed port inside the
 * ephemeral range (32768–60999 on Linux) can be in use as the local end of some connection after
 * heavy network use, which made the demo test fail to start its PostgreSQL.
 */
export async function freePorts<K extends string>(...names: K[]): Promise<Record<K, number>> {
  const servers: Server[] = [];
  try {
    const ports = {} as Record<K, number>;
    for (const name of names) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", resolve);
      });
      ports[name] = (server.address() as { port: number }).port;
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
