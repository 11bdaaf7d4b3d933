import { defineConfig } from 'vite';

// Relative paths, so that the built portal (dist/) is served from any directory.
// The development server may read scripts/buyer/format.mjs, which the portal shares.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // @polkadot/x-global puts a /*#__PURE__*/ before a parenthesised expression, which Rollup
      // drops with a warning on every build: not ours to fix, and harmless.
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION' && /[\\/]node_modules[\\/]/.test(warning.id ?? '')) return;
        warn(warning);
      },
    },
  },
  server: { fs: { allow: ['..'] } },
});
