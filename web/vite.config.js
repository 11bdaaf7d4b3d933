import { defineConfig } from 'vite';

// Relative paths, so that the built portal (dist/) is served from any directory. The shared
// package @licentia/client (primitives/js) is a workspace package: Vite resolves it through the
// root node_modules' link and, finding the workspace root (the root package.json's
// "workspaces"), lets the development server read it.
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
});
