import type { IncomingMessage } from 'node:http';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API server the dev server forwards to; override to run against a server on another port.
const apiServer = process.env.DENTALPRO_API_URL ?? 'http://localhost:3000';
const proxied = ['/api', '/healthz', '/readyz', '/webhooks', '/sandbox'];
// /sandbox/graph is the server's pretend Graph API, but /sandbox/whatsapp is a page of this app:
// a browser asking for a page under /sandbox gets index.html, as the server does in production.
const pageUnderSandbox = (req: IncomingMessage) =>
  req.url?.startsWith('/sandbox/') && !req.url.startsWith('/sandbox/graph') && req.headers.accept?.includes('text/html')
    ? '/index.html'
    : undefined;
const proxy = Object.fromEntries(
  proxied.map((prefix) => [
    prefix,
    prefix === '/sandbox' ? { target: apiServer, bypass: pageUnderSandbox } : { target: apiServer },
  ]),
);

export default defineConfig({
  plugins: [react()],
  // The server allows cookie-authenticated writes from this origin outside production.
  server: { port: 5173, strictPort: true, proxy },
  preview: { port: 5173, strictPort: true, proxy },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      // A library's comment that Rollup cannot place (zod's /* @__PURE__ */ notes) is dropped
      // harmlessly, but its warning reads like an error on a newcomer's first start. Our own
      // code's warnings, and every other kind, are still shown.
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/')) return;
        warn(warning);
      },
      output: {
        // Libraries change less often than the app: separate files cache better.
        manualChunks: (id) => {
          // The interface texts (over 100 kB per language) change with every feature: a file
          // per language keeps the app's own code small and each cached on its own.
          const locale = /\/src\/i18n\/(\w+)\.json$/.exec(id);
          if (locale) return `locale-${locale[1]}`;
          if (!id.includes('node_modules')) return undefined;
          if (/node_modules\/(react|react-dom|scheduler|react-router)\//.test(id)) return 'react';
          if (id.includes('node_modules/zod/')) return 'zod';
          // Its metadata is most of its weight and is updated often: a chunk of its own.
          if (id.includes('node_modules/libphonenumber-js/')) return 'phone';
          // The charts library and what it alone brings: only the dashboard loads them.
          if (
            /node_modules\/(recharts|victory-vendor|d3-[a-z-]+|@reduxjs|redux|react-redux|immer|reselect|decimal\.js-light|es-toolkit|eventemitter3|internmap)\//.test(
              id,
            )
          )
            return 'charts';
          return 'vendor';
        },
      },
    },
  },
});
