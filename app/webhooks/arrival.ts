/**
 * Set by the web server on each webhook request as it arrives (app/bin/server.ts), so that the
 * time spent before the route runs counts against the wait; any value the sender put there is
 * replaced. Absent (tests calling the route directly), the wait counts from the route's start.
 */
export const RECEIVED_AT_HEADER = "x-app-received-at";

/** When the request reached the server, on performance.now()'s clock. */
export function arrivalOf(request: Request): number {
  const now = performance.now();
  const stamped = Number(request.headers.get(RECEIVED_AT_HEADER));
  return Number.isFinite(stamped) && stamped > 0 && stamped <= now ? stamped : now;
}
