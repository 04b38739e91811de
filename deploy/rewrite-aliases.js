#!/usr/bin/env node
// Rewrites `require("@funnel/<lib>")` in the compiled output into relative requires of
// dist/libs/<lib>/src/index.js, so `node dist/apps/<app>/src/main.js` runs without a loader.
// The alias table is tsconfig.base.json's `paths`, the single source of truth.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
const targets = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [file]]) => [alias, path.join(dist, file.replace(/\.ts$/, '.js'))]),
);

let rewritten = 0;
function visit(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) visit(full);
    else if (entry.name.endsWith('.js')) {
      const source = fs.readFileSync(full, 'utf8');
      const out = source.replace(/require\("(@funnel\/[a-z-]+)"\)/g, (match, alias) => {
        const target = targets[alias];
        if (!target) throw new Error(`${full}: unknown alias ${alias}`);
        let rel = path.relative(path.dirname(full), target).split(path.sep).join('/');
        if (!rel.startsWith('.')) rel = `./${rel}`;
        return `require("${rel}")`;
      });
      if (out !== source) {
        fs.writeFileSync(full, out);
        rewritten++;
      }
    }
  }
}
visit(dist);
console.error(`[funnel] build: rewrote aliases in ${rewritten} files`);
