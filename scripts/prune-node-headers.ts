/**
 * The root `postinstall`: removes the C headers that come with the project's Node 24.
 *
 * The `node` devDependency installs its binary through a second package, `node-<os>-<arch>`, inside
 * node_modules/node/node_modules, and links node_modules/node/bin/node to it. That package also
 * carries `include/node` (67 MB of V8, libuv and OpenSSL headers), only ever read to compile a native
 * addon against this Node. The lab compiles none (npm would build one against the system Node's headers
 * anyway, see the GUIDE's traps), so after `npm ci` they are a tenth of node_modules for nothing.
 * A later `npm install` prunes the whole nested package (npm's lock does not list it), which is why a
 * long-lived node_modules was smaller than a fresh `npm ci`; this makes both the same.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const nested = fileURLToPath(new URL('../node_modules/node/node_modules/', import.meta.url));

for (const name of existsSync(nested) ? readdirSync(nested) : []) {
  const headers = join(nested, name, 'include', 'node');
  if (name.startsWith('node-') && existsSync(headers)) rmSync(join(nested, name, 'include'), { recursive: true });
}
