import { defineConfig } from 'vite';

// Relative paths, so that the built portal (dist/) is served from any directory.
export default defineConfig({ base: './', build: { outDir: 'dist', chunkSizeWarningLimit: 2000 } });
