#!/usr/bin/env node
// Checks the Node.js version before loading anything that might not parse on an older one.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 17)) {
  process.stderr.write(`secnotify needs Node.js 20.17 or newer; this is ${process.versions.node}.\n`);
  process.exit(1);
}
await import('../dist/cli.js');
