// The console is served by enrolld under /console (src/console/console.routes.ts): asset URLs
// carry that base and a content hash, and nothing is inlined into index.html, so the
// Content-Security-Policy can allow this origin's own files and nothing else.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Inlined assets would be data: URLs in scripts and styles; keep every asset a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // The first screen's budget is 200 KB gzipped; Vite warns past 500 KB minified.
    chunkSizeWarningLimit: 500,
  },
  server: {
    // `npm run console:dev` beside `npm start`: the API on the same origin, through Vite.
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/v1': 'http://127.0.0.1:8080', '/enroll': 'http://127.0.0.1:8080' },
  },
});
