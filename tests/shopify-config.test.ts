import { existsSync, readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { DEMO_WEBHOOK_API_VERSION } from "../app/dev/demo/constants";
import { API_VERSION } from "../app/shopify.server";
import { API_VERSION_HEADER } from "./helpers/shopify";

type Subscription = { uri: string; topics?: string[]; compliance_topics?: string[] };
const toml = parse(readFileSync("shopify.app.toml", "utf8")) as {
  access_scopes: { scopes: string };
  webhooks: { api_version: string; subscriptions: Subscription[] };
  embedded: boolean;
};

/** "/webhooks/app/uninstalled" -> app/routes/webhooks.app.uninstalled.tsx (Remix flat routes). */
function routeFileOf(uri: string): string {
  return `app/routes/${uri.replace(/^\//, "").replaceAll("/", ".")}.tsx`;
}

describe("shopify.app.toml", () => {
  it("pins the same API version as the app", () => {
    expect(toml.webhooks.api_version).toBe(API_VERSION);
  });

  it("is the version the tests' and the demo's signed webhooks say they are (no module of theirs may load the app's config)", () => {
    expect(API_VERSION_HEADER).toBe(API_VERSION);
    expect(DEMO_WEBHOOK_API_VERSION).toBe(API_VERSION);
  });

  it("asks for read_orders and is embedded", () => {
    expect(toml.access_scopes.scopes.split(",")).toContain("read_orders");
    expect(toml.embedded).toBe(true);
  });

  it("sends every subscribed topic to a route that exists", () => {
    expect(toml.webhooks.subscriptions.length).toBeGreaterThan(0);
    for (const subscription of toml.webhooks.subscriptions) {
      expect(existsSync(routeFileOf(subscription.uri)), subscription.uri).toBe(true);
    }
  });
});
