#!/usr/bin/env node
// Checks the Node.js version before loading anything that might not parse on an older one.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 17)) {
  process.stderr.write(`secnotify needs Node.js 20.17 or newer; this is ${process.versions.node}.\n`);
  process.exit(1);
}
// The SDK's notice that its future releases need Node 22 is for this package's maintainers (the SDK version
// is pinned here), not for the person running the tool.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
await import('../dist/cli.js');
