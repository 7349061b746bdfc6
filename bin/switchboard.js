#!/usr/bin/env node
// The sources are TypeScript run by Node's own type stripping (Node >= 22.18): no build step.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18) || major === 23 || !process.features.typescript) {
  console.error(`switchboard needs Node.js 22.18+ or 24+ (this is ${process.version}).`);
  process.exit(1);
}
await import('../src/cli/main.ts');
