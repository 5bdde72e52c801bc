import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SHOP } from "../app/dev/demo/constants";
import {
  demoAdminPage,
  demoAppBridgeResponse,
  demoEntry,
  demoLanding,
  demoReload,
  demoSessionTokenResponse,
  settled,
} from "../app/dev/demo/routes.server";
import { loader as faviconLoader } from "../app/routes/favicon[.]ico";
import { setEnv } from "./helpers/env";
import { freePorts } from "./helpers/ports";

const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";

describe("the demo-only routes", () => {
  const restores: (() => void)[] = [];
  afterEach(() =>
    restores
      .splice(0)
      .reverse()
      .forEach((restore) => restore()),
  );
  const withEnv = (variables: Record<string, string | undefined>) => void restores.push(setEnv(variables));

  const calls = {
    "/demo": () => demoEntry(new URL("http://localhost:3100/demo")),
    "/demo/session-token": () => demoSessionTokenResponse(),
    "/demo/app-bridge.js": () => demoAppBridgeResponse(),
  };

  it.each(Object.keys(calls) as (keyof typeof calls)[])("%s is a 404 without DEMO_MODE", async (route) => {
    withEnv({ DEMO_MODE: undefined, NODE_ENV: "development" });
    const response = settled(calls[route]);
    expect(response.status).toBe(404);
  });

  it.each(Object.keys(calls) as (keyof typeof calls)[])("%s is a 404 in production", async (route) => {
    withEnv({ DEMO_MODE: undefined, NODE_ENV: "production" });
    const response = settled(calls[route]);
    expect(response.status).toBe(404);
  });

  it.each(["app/bin/server.ts", "app/bin/worker.ts", "app/dev/demo/web-server.ts"])(
    "%s refuses to start in production with DEMO_MODE=true",
    async (entry) => {
      const child = spawn(process.execPath, ["--import", "tsx", entry], {
        env: { ...process.env, DEMO_MODE: "true", NODE_ENV: "production", DATABASE_URL: undefined },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = (await once(child, "exit")) as [number | null];
      expect(code).toBe(1);
      expect(stderr).toContain("DEMO_MODE must not be set when NODE_ENV is production");
    },
  );

  it("with DEMO_MODE outside production, mints a session token for the demo shop and opens the embedded app with it", async () => {
    withEnv({ DEMO_MODE: "true", NODE_ENV: "development" });
    const token = await demoSessionTokenResponse().text();
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString()) as { dest: string };
    expect(claims.dest).toBe(`https://${DEMO_SHOP}`);

    const redirect = settled(calls["/demo"]);
    expect(redirect.status).toBe(302);
    const target = new URL(redirect.headers.get("location") ?? "");
    expect(target.pathname).toBe("/app");
    expect(target.searchParams.get("shop")).toBe(DEMO_SHOP);
    expect(target.searchParams.get("id_token")).toMatch(/^ey/);

    const script = await demoAppBridgeResponse().text();
    expect(script).toContain('"url":"/demo/session-token"');
  });
});

describe("the demo never leaves the demo", () => {
  const restores: (() => void)[] = [];
  afterEach(() =>
    restores
      .splice(0)
      .reverse()
      .forEach((restore) => restore()),
  );
  const demoMode = () => void restores.push(setEnv({ DEMO_MODE: "true", NODE_ENV: "development" }));
  const html = { accept: "text/html,application/xhtml+xml" };

  it("the admin stand-in opens the page the FreshBooks callback names, embedded, with a fresh session token", () => {
    demoMode();
    const answer = settled(() =>
      demoAdminPage(
        new URL("http://localhost:3100/demo/admin/store/freshbooks-sync-demo/apps/demo-api-key/app/settings?freshbooks_connected=1"),
      ),
    );
    expect(answer.status).toBe(302);
    const target = new URL(answer.headers.get("location")!);
    expect(target.origin + target.pathname).toBe("http://localhost:3100/app/settings");
    expect(target.searchParams.get("freshbooks_connected")).toBe("1");
    expect(target.searchParams.get("id_token")).toMatch(/^ey/);
    expect(settled(() => demoAdminPage(new URL("http://localhost:3100/demo/admin/elsewhere"))).status).toBe(404);
  });

  it("a reload of an app page without a session token, or with an expired one, opens the same page with a fresh one", () => {
    demoMode();
    const reload = demoReload(new URL("http://localhost:3100/app/orders/12?tab=failed"), html)!;
    expect(reload.status).toBe(302);
    const target = new URL(reload.headers.get("location")!);
    expect(target.pathname).toBe("/app/orders/12");
    expect(target.searchParams.get("tab")).toBe("failed");
    expect(target.searchParams.get("shop")).toBe(DEMO_SHOP);
    const expired = demoReload(new URL("http://localhost:3100/app?id_token=eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.x&shop=x"), html)!;
    expect(new URL(expired.headers.get("location")!).searchParams.get("id_token")).not.toContain("eyJleHAiOjF9");
    // A valid token, a data request (App Bridge's bearer token), or demo mode off: the app's own.
    expect(demoReload(new URL(target.toString()), html)).toBeNull();
    expect(demoReload(new URL("http://localhost:3100/app?_data=routes%2Fapp._index"), html)).toBeNull();
    expect(demoReload(new URL("http://localhost:3100/app"), { ...html, authorization: "Bearer x" })).toBeNull();
    withoutDemo();
    expect(demoReload(new URL("http://localhost:3100/app"), html)).toBeNull();
  });

  it("the demo's home page links to /demo; without demo mode there is none", async () => {
    demoMode();
    const page = await demoLanding().text();
    expect(page).toContain('href="/demo"');
    expect(page).not.toMatch(/https?:\/\//);
    withoutDemo();
    expect(settled(demoLanding).status).toBe(404);
  });

  it("/favicon.ico is an icon, not a 404", async () => {
    const response = faviconLoader();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/svg+xml");
    expect(await response.text()).toContain("<svg");
  });

  function withoutDemo() {
    restores.push(setEnv({ DEMO_MODE: undefined }));
  }
});

describe("npm run demo", () => {
  // Ports and data of its own, so it runs beside other test files, `npm run local` and a demo.
  let ports = { web: 0, sandbox: 0, database: 0 };
  beforeAll(async () => {
    ports = await freePorts("web", "sandbox", "database");
  });
  let demo: ChildProcess | undefined;
  let output = "";

  afterAll(async () => {
    if (demo && demo.exitCode === null && demo.signalCode === null) {
      demo.kill("SIGINT");
      const timer = setTimeout(() => demo?.kill("SIGKILL"), 60_000);
      await once(demo, "exit");
      clearTimeout(timer);
    }
  });

  /**
   * Polls `check` until it gives a value. The deadline comes from the work, not the clock: it
   * fails when nothing moved (no new demo output, no change in `progress`) for `stallMs`, or
   * at a generous cap, so a busy machine makes the test slower, never red.
   */
  async function until<T>(
    what: string,
    check: () => Promise<T | undefined>,
    stallMs: number,
    progress: () => Promise<string> = async () => "",
    capMs = 480_000,
  ): Promise<T> {
    const cap = Date.now() + capMs;
    let deadline = Date.now() + stallMs;
    let seen = "";
    for (;;) {
      const value = await check().catch(() => undefined);
      if (value !== undefined) return value;
      const now = `${output.length}:${await progress().catch(() => "")}`;
      if (now !== seen) {
        seen = now;
        deadline = Math.min(cap, Date.now() + stallMs);
      }
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what} (nothing moved for ${stallMs / 1000} s, or ${capMs / 1000} s in all); demo output:\n${output}`,
        );
      if (demo?.exitCode !== null) throw new Error(`the demo exited (${demo?.exitCode}) while waiting for ${what}:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async function query<Row extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<Row[]> {
    const client = new pg.Client({ connectionString: `postgresql://postgres:postgres@127.0.0.1:${ports.database}/app` });
    await client.connect();
    try {
      return (await client.query<Row>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  async function answers(url: string): Promise<boolean> {
    return fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      () => true,
      () => false,
    );
  }

  it("starts everything, syncs the orders, shows the refused one, sends their later life (refund, payment, cancellations), and stops cleanly on Ctrl-C", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DATABASE_URL;
    demo = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "app/dev/demo/main.ts",
        "--orders",
        "11",
        "--rate",
        "120",
        "--fault-rate",
        "0",
        "--reset",
        "--port",
        String(ports.web),
        "--sandbox-port",
        String(ports.sandbox),
        "--db-port",
        String(ports.database),
        "--data-dir",
        path.resolve(".data/demo-test"),
      ],
      { env, stdio: ["ignore", "pipe", "pipe"] },
    );
    demo.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));

    // Starting PostgreSQL, migrating and building take a while on a busy machine: the wait lasts
    // as long as the demo keeps saying what it is doing.
    const url = await until("the URL", async () => /Open the app[^\n]*?(http:\/\/localhost:\d+\/demo)\b/.exec(output)?.[1], 120_000);
    expect(url).toBe(`http://localhost:${ports.web}/demo`);

    // Every order reaches FreshBooks but the refused one.
    type Rows = { order_name: string; status: string; status_reason: string | null; invoice_number: string | null }[];
    const orders = () =>
      query<Rows[number]>(
        "select order_name, status, status_reason, invoice_number from order_sync where shop = $1 order by order_number",
        [DEMO_SHOP],
      );
    const rows = await until(
      "the eleven orders to settle",
      async () => {
        const found = await orders();
        return found.length === 11 && found.every((row) => !["queued", "syncing"].includes(row.status)) ? found : undefined;
      },
      60_000,
      async () => JSON.stringify(await orders()),
    );
    const failed = rows.filter((row) => row.status === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.status_reason).toMatch(
      /FreshBooks refused the client: You do not have access to perform the action requested. Your FreshBooks plan probably limits the number of clients/,
    );
    const synced = rows.filter((row) => row.status === "synced" || row.status === "synced_with_difference");
    expect(synced).toHaveLength(10);

    // The later events of four orders (app/dev/demo/stories.ts), each settled once.
    type EventRow = {
      order_name: string;
      topic: string;
      status: string;
      action: string | null;
      freshbooks_number: string | null;
      recorded_amount: string | null;
    };
    const events = () =>
      query<EventRow>(
        `select s.order_name, e.topic, e.status, e.action, e.freshbooks_number, e.recorded_amount
         from order_event e join order_sync s on s.shop = e.shop and s.order_id = e.order_id where e.shop = $1 order by e.id`,
        [DEMO_SHOP],
      );
    const later = await until(
      "the later events to settle",
      async () => {
        const found = await events();
        return found.length === 6 && found.every((row) => ["done", "ignored", "failed"].includes(row.status)) ? found : undefined;
      },
      60_000,
      async () => JSON.stringify(await events()),
    );
    expect(later.filter((row) => row.status !== "done")).toEqual([]);
    const byOrder = (index: number) => later.filter((row) => row.order_name === rows[index]?.order_name);
    const invoiceOf = (index: number) => rows[index]?.invoice_number ?? "?";
    // One item returned: its credit note (9.00 less its discount share, plus its tax).
    expect(byOrder(4).map((row) => [row.topic, row.action, row.freshbooks_number, row.recorded_amount])).toEqual([
      ["REFUNDS_CREATE", "credit_note", `${invoiceOf(4)}-R1`, "9.80"],
    ]);
    // Paid on delivery: two webhooks, one payment.
    expect(
      byOrder(5)
        .filter((row) => row.action === "payment")
        .map((row) => row.recorded_amount),
    ).toEqual(["49.10"]);
    // Cancelled and refunded in full: a credit note for the whole invoice.
    expect(byOrder(7).map((row) => [row.topic, row.action, row.freshbooks_number])).toEqual([
      ["REFUNDS_CREATE", "credit_note", `${invoiceOf(7)}-R1`],
      ["ORDERS_CANCELLED", "none", null],
    ]);
    // Cancelled unpaid: its invoice deleted.
    expect(byOrder(8).map((row) => [row.topic, row.action])).toEqual([["ORDERS_CANCELLED", "cancel"]]);

    const state = (await (await fetch(`http://127.0.0.1:${ports.sandbox}/__sandbox/state`)).json()) as {
      accounts: Record<
        string,
        {
          invoices: { invoice_number: string; vis_state: number; id: number }[];
          payments: { invoiceid: number; amount: { amount: string }; vis_state: number }[];
          creditNotes: { credit_number: string; amount: { amount: string } }[];
        }
      >;
    };
    const account = Object.values(state.accounts).find((candidate) => candidate.invoices.length > 0)!;
    const invoices = account.invoices.map((invoice) => invoice.invoice_number);
    expect(invoices.sort()).toEqual(synced.map((row) => row.invoice_number).sort());
    const invoice = (index: number) => account.invoices.find((candidate) => candidate.invoice_number === invoiceOf(index))!;
    expect(invoice(8).vis_state).toBe(1);
    expect(account.invoices.filter((candidate) => candidate.vis_state === 1)).toHaveLength(1);
    const paymentsOf = (index: number) =>
      account.payments
        .filter((payment) => payment.invoiceid === invoice(index).id && payment.vis_state !== 1)
        .map((payment) => payment.amount.amount);
    expect(paymentsOf(5)).toEqual(["49.10"]);
    expect(account.creditNotes.map((note) => [note.credit_number, note.amount.amount]).sort()).toEqual(
      [
        [`${invoiceOf(4)}-R1`, "9.80"],
        [`${invoiceOf(7)}-R1`, "49.10"],
      ].sort(),
    );
    expect(output).toContain(`${rows[4]?.order_name}: one item returned`);

    // The printed URL opens the sync log, failure included, in an ordinary browser.
    const entry = await fetch(url, { redirect: "manual", headers: { "User-Agent": BROWSER } });
    expect(entry.status).toBe(302);
    const page = await fetch(entry.headers.get("location") ?? "", { headers: { "User-Agent": BROWSER } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`/demo/app-bridge.js`);
    expect(html).toContain(failed[0]?.order_name ?? "?");

    demo.kill("SIGINT");
    const [code] = (await once(demo, "exit")) as [number | null];
    expect(code, output).toBe(0);
    expect(output).toContain("[demo] all stopped");
    expect(await answers(`http://localhost:${ports.web}/healthz`)).toBe(false);
    expect(await answers(`http://127.0.0.1:${ports.sandbox}/__sandbox/health`)).toBe(false);
    await expect(query("select 1", [])).rejects.toThrow();
  }, 600_000);
});

describe("npm run local", () => {
  // Ports and data of its own (beside the demo above, in the same file: one build at a time).
  let ports = { web: 0, database: 0 };
  beforeAll(async () => {
    ports = await freePorts("web", "database");
  });
  let local: ChildProcess | undefined;
  afterAll(() => {
    if (local?.pid && local.exitCode === null && local.signalCode === null) process.kill(-local.pid, "SIGKILL");
  });

  it("stops cleanly on Ctrl-C in its terminal: the server first, then its embedded PostgreSQL; exit 0, no error", async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(ports.web),
      EMBEDDED_POSTGRES_PORT: String(ports.database),
      EMBEDDED_POSTGRES_DIR: path.resolve(".data/local-test"),
    };
    delete env.DATABASE_URL;
    // `npm run local` is `npm run build` and then build/local.js (plain node).
    const build = spawnSync("npm", ["run", "build", "--silent"], { env: { ...env, NODE_ENV: "production" }, encoding: "utf8" });
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
    // A process group of its own, as a terminal gives the command it runs.
    local = spawn(process.execPath, ["build/local.js"], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let errors = "";
    local.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    local.stderr?.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    const exited = once(local, "exit");

    // Building and migrating take as long as they take: the wait is for the line, or the exit.
    await Promise.race([
      (async () => {
        while (!output.includes(`listening on http://localhost:${ports.web}`)) await new Promise((resolve) => setTimeout(resolve, 250));
      })(),
      exited.then(() => {
        throw new Error(`npm run local exited before listening:\n${output}\n${errors}`);
      }),
    ]);
    const health = await fetch(`http://localhost:${ports.web}/healthz`);
    expect(health.status).toBe(200);

    // Ctrl-C: the terminal signals the whole foreground process group.
    process.kill(-local.pid!, "SIGINT");
    const [code] = (await exited) as [number | null];
    expect(code, `${output}\n${errors}`).toBe(0);
    expect(output).toContain("[local] embedded PostgreSQL stopped");
    // Nothing failed on the way down (a database stopped under the server would log connection errors).
    expect(errors).toBe("");
    expect(output).not.toMatch(/"level":(50|60)|Error|terminating connection/);
    const client = new pg.Client({ connectionString: `postgresql://postgres:postgres@127.0.0.1:${ports.database}/postgres` });
    await expect(client.connect()).rejects.toThrow();
  }, 600_000);
});
