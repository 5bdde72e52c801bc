import { runMain } from "../../bin/run-main.server";
import { serveWeb } from "../../bin/web-server.server";
import { mountDemoRoutes } from "./routes.server";

/**
 * The demo's web server (`npm run demo` starts it from source): the app's web server around the
 * same production Remix build, plus the demo's pages (/demo, the App Bridge stand-in, session
 * tokens for the demo shop), which the app's own server and build do not have.
 */
runMain(() => serveWeb({ label: "demo web", mount: mountDemoRoutes }));
