import { runMain } from "./run-main.server";
import { serveWeb } from "./web-server.server";

/**
 * The web process (`npm start`, `npm run dev`): app/bin/web-server.server.ts around the Remix
 * build. The demo's pages are not in it: they belong to the demo's own server
 * (app/dev/demo/web-server.ts), and the Remix build has no demo route.
 */
runMain(() => serveWeb());
