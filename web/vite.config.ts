/** Builds the dashboard (web/) into dist/web, which the Gemba server serves at `/`. */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

export default defineConfig({
  // Paths resolve from this file, not the caller's cwd: `npm run build` and the e2e test both load it from the repo root.
  root: here('.'),
  base: '/',
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    // uPlot is ~50 kB; one chunk loads faster than a waterfall on a plant network.
    chunkSizeWarningLimit: 400,
  },
  server: {
    // `npx vite --config web/vite.config.ts` with a running server: GEMBA_API_URL=http://127.0.0.1:8080
    proxy: {
      '/api': {
        target: process.env['GEMBA_API_URL'] ?? 'http://127.0.0.1:8080',
        ws: true,
        changeOrigin: true,
      },
    },
  },
});
