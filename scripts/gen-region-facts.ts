// Writes src/core/doctor/region-facts.generated.ts from the cfn-lint in .venv (see scripts/region-facts/derive.ts).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveRegionFacts, renderRegionFacts } from './region-facts/derive.js';

const root = process.cwd();
const target = join(root, 'src/core/doctor/region-facts.generated.ts');
const facts = deriveRegionFacts(root);
writeFileSync(target, renderRegionFacts(facts));
execFileSync(join(root, 'node_modules/.bin/biome'), ['format', '--write', target], { stdio: 'ignore' });
process.stdout.write(
  `${target}: ${facts.regions.length} Regions from ${facts.source}; lacking resource types: ${Object.keys(facts.missing).join(', ') || 'none'}\n`,
);
