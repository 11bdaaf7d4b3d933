#!/usr/bin/env node
// Serves the built portal (web/dist): `node serve.mjs [PORT]` (default 8090) on 127.0.0.1.
// Static files only, no dependencies; `servePortal(port)` is the same for tests.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(new URL('.', import.meta.url)), 'dist');
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.png': 'image/png',
};

/** Serves dist/ on 127.0.0.1:`port` (0: any free port); resolves with the server. */
export function servePortal(port) {
  const server = createServer(async (request, response) => {
    let file;
    try {
      // `normalize` resolves `..` against the root: nothing outside dist/ is reachable.
      const path = normalize(decodeURIComponent(new URL(request.url, 'http://portal').pathname));
      file = join(root, path === '/' ? 'index.html' : path);
    } catch {
      response.writeHead(400, { 'Content-Type': 'text/plain' });
      response.end('a malformed path');
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await servePortal(Number(process.argv[2] ?? process.env.PORT ?? 8090));
  console.log(`portal on http://127.0.0.1:${server.address().port}/`);
}
