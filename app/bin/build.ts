import { build } from "esbuild";

/**
 * Bundles the process entries (web server, worker, setup, local, the PostgreSQL host) to build/*.js for production, after
 * `remix build` has written the Remix server build. Packages stay external (node_modules).
 */
await build({
  entryPoints: {
    server: "app/bin/server.ts",
    worker: "app/bin/worker.ts",
    setup: "app/bin/setup.ts",
    "reencrypt-tokens": "app/bin/reencrypt-tokens.ts",
    // `npm run local` and the embedded PostgreSQL's host process run as plain node: a process
    // started with tsx keeps an esbuild service that can print a Go deadlock dump when the
    // process exits while it pings (seen on Ctrl-C).
    local: "app/bin/local.ts",
    "postgres-host": "app/db/postgres-host.ts",
  },
  outdir: "build",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
  banner: { js: "// built by app/bin/build.ts; edit the sources in app/bin" },
});
