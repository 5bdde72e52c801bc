import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A pass-through proxy in front of the sandbox that notes when each invoice came to exist
 * (the moment FreshBooks answered its creation), by invoice number.
 */
export async function invoiceWatcher(target: string): Promise<{ url: string; createdAt: Map<string, number>; close(): Promise<void> }> {
  const createdAt = new Map<string, number>();
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const upstream = http.request(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers, agent }, (answer) => {
      const watch = req.method === "POST" && /\/invoices\/invoices\/?$/.test(new URL(req.url ?? "/", target).pathname) && answer.statusCode === 200;
      const chunks: Buffer[] = [];
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on("data", (chunk: Buffer) => {
        if (watch) chunks.push(chunk);
        res.write(chunk);
      });
      answer.on("end", () => {
        if (watch) {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { response?: { result?: { invoice?: { invoice_number?: string } } } };
          const number = body.response?.result?.invoice?.invoice_number;
          if (number) createdAt.set(number, Date.now());
        }
        res.end();
      });
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    createdAt,
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
