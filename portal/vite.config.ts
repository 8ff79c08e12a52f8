/**
 * The portal's build (docs/portal.md): a static, bundled app under /portal/ on the gateway's origin. Everything it
 * needs is in the bundle (no CDN, no web fonts); the explorer's editor workers are bundled too.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { supergraphDirectory } from "./directory.ts";

const here = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: here,
  base: "/portal/",
  publicDir: false,
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic" } },
  plugins: [supergraphDirectory(fileURLToPath(new URL("../schema/supergraph.graphql", import.meta.url)))],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 8000,
    // Fonts and icons stay files of the bundle rather than data: URLs, so the CSP needs nothing more than 'self'.
    assetsInlineLimit: 0,
    rollupOptions: {
      // GraphiQL's UI library marks its modules "use client" (React Server Components): meaningless in this bundle.
      onwarn(warning, warn) {
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
    },
  },
});
