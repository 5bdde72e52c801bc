import { getEnv } from "../../env.server";

/**
 * The demo pages mint session tokens for the demo shop with the app's secret: anyone who can
 * reach them is "logged in". They exist only while `npm run demo` runs (DEMO_MODE=true), and
 * never in production, whatever DEMO_MODE says.
 */
export function demoModeEnabled(): boolean {
  const env = getEnv();
  return env.DEMO_MODE && env.NODE_ENV !== "production";
}

/** Throws a plain 404 unless demo mode is on: the routes look like they do not exist. */
export function requireDemoMode(): void {
  if (!demoModeEnabled()) throw new Response("Not Found", { status: 404, headers: { "Content-Type": "text/plain" } });
}
