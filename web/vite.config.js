import { defineConfig } from 'vite';

// Relative paths, so that the built portal (dist/) is served from any directory.
// The development server may read scripts/buyer/format.mjs, which the portal shares.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', chunkSizeWarningLimit: 2000 },
  server: { fs: { allow: ['..'] } },
});
