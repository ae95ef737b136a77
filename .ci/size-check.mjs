// Fails when the gzipped WebAssembly + JavaScript in dist/ exceeds the budget; prints every file's figure.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = process.argv[2] || 'dist';
const budgetKb = Number(process.env.SIZE_BUDGET_KB || 400);
let total = 0;
const rows = [];
for (const name of readdirSync(dist).sort()) {
    if (!/\.(wasm|js)$/.test(name)) continue;
    const raw = readFileSync(join(dist, name));
    const gz = gzipSync(raw, { level: 9 }).length;
    total += gz;
    rows.push(`${(gz / 1024).toFixed(1).padStart(8)} KB gz ${(raw.length / 1024).toFixed(1).padStart(8)} KB raw  ${name}`);
}
if (rows.length === 0) {
    console.error(`size-check: no .wasm or .js files in ${dist}; run trunk build --release first`);
    process.exit(2);
}
console.log(rows.join('\n'));
const verdict = total <= budgetKb * 1024 ? 'OK' : 'OVER BUDGET';
console.log(`total: ${(total / 1024).toFixed(1)} KB gzipped (budget ${budgetKb} KB) ${verdict}`);
process.exit(total <= budgetKb * 1024 ? 0 : 1);
