import http from "node:http";
import type { AddressInfo } from "node:net";

export interface InvoiceWatcher {
  url: string;
  /** When FreshBooks answered each invoice's creation, by invoice number. */
  createdAt: Map<string, number>;
  /** When the (successful) creation request of each invoice reached FreshBooks, by invoice number. */
  requestedAt: Map<string, number>;
  /** When FreshBooks answered the payment of each invoice, by invoice number. */
  paidAt: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A pass-through proxy in front of the sandbox that notes when each invoice came to exist
 * (the moment FreshBooks answered its creation), when its creation request arrived, and when
 * its payment was recorded, by invoice number.
 */
export async function invoiceWatcher(target: string): Promise<InvoiceWatcher> {
  const createdAt = new Map<string, number>();
  const requestedAt = new Map<string, number>();
  const paidAt = new Map<string, number>();
  const numberOfId = new Map<number, string>();
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const arrived = Date.now();
    const path = new URL(req.url ?? "/", target).pathname;
    const payment = req.method === "POST" && /\/payments\/payments\/?$/.test(path);
    const upstream = http.request(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers, agent }, (answer) => {
      const watch = req.method === "POST" && /\/invoices\/invoices\/?$/.test(path) && answer.statusCode === 200;
      const paid = payment && answer.statusCode === 200;
      const chunks: Buffer[] = [];
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on("data", (chunk: Buffer) => {
        if (watch || paid) chunks.push(chunk);
        res.write(chunk);
      });
      answer.on("end", () => {
        if (watch) {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
            response?: { result?: { invoice?: { invoice_number?: string; id?: number } } };
          };
          const invoice = body.response?.result?.invoice;
          if (invoice?.invoice_number) {
            createdAt.set(invoice.invoice_number, Date.now());
            requestedAt.set(invoice.invoice_number, arrived);
            if (invoice.id !== undefined) numberOfId.set(invoice.id, invoice.invoice_number);
          }
        }
        if (paid) {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
            response?: { result?: { payment?: { invoiceid?: number } } };
          };
          const number = numberOfId.get(body.response?.result?.payment?.invoiceid ?? -1);
          if (number) paidAt.set(number, Date.now());
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
    requestedAt,
    paidAt,
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
