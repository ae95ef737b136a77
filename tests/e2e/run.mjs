// End-to-end tests of the built app (dist/) in headless Chromium via playwright-core.
// Usage: node tests/e2e/run.mjs [name-filter]   (build first: trunk build --release)
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tests } from './tests.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const dist = process.env.DIST || join(root, 'dist');
const shots = join(here, 'screenshots');
const CHROME_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function freePort() {
    return new Promise((resolve, reject) => {
        const srv = createServer();
        srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
        srv.on('error', reject);
    });
}

async function waitForServer(url, ms) {
    const end = Date.now() + ms;
    while (Date.now() < end) {
        try { if ((await fetch(url)).ok) return; } catch { /* not up yet */ }
        await new Promise(r => setTimeout(r, 100));
    }
    throw new Error(`static server at ${url} did not start`);
}

if (!existsSync(join(dist, 'index.html'))) {
    console.error(`no ${dist}/index.html: run trunk build --release first`);
    process.exit(2);
}
mkdirSync(shots, { recursive: true });
const port = await freePort();
const server = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dist], { stdio: 'ignore' });
const base = `http://127.0.0.1:${port}/`;
let failed = 0;
let browser;
try {
    await waitForServer(base, 10000);
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: CHROME_ARGS });
    const filter = process.argv[2] || '';
    for (const [name, fn] of Object.entries(tests)) {
        if (!name.includes(filter)) continue;
        const t0 = Date.now();
        const errors = [];
        const newPage = async (opts = {}) => {
            const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...opts });
            await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base }).catch(() => {});
            const page = await ctx.newPage();
            page.on('pageerror', e => errors.push(`pageerror: ${e.message}`));
            page.on('console', m => { if (m.type() === 'error') errors.push(`console error: ${m.text()}`); });
            return page;
        };
        try {
            await fn({ browser, base, newPage, shots });
            if (errors.length) throw new Error(`the page reported errors:\n  ${errors.join('\n  ')}`);
            console.log(`ok   ${name} (${Date.now() - t0} ms)`);
        } catch (e) {
            failed++;
            console.log(`FAIL ${name} (${Date.now() - t0} ms)\n     ${String(e.stack || e).split('\n').slice(0, 6).join('\n     ')}`);
        } finally {
            for (const ctx of browser.contexts()) await ctx.close();
        }
    }
} finally {
    if (browser) await browser.close();
    server.kill();
}
console.log(failed ? `${failed} e2e test(s) failed` : 'all e2e tests passed');
process.exit(failed ? 1 : 0);
