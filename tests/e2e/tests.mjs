// The end-to-end scenarios; each gets fresh browser contexts from run.mjs.
import assert from 'node:assert/strict';
import { join } from 'node:path';

const EDITOR = '[data-testid=config-editor]';
const REQUESTS = '[data-testid=requests-input]';
const ROW = '[data-testid=result-row]';

/** Waits until the results on screen belong to the current inputs. */
async function settled(page, timeout = 15000) {
    await page.waitForTimeout(30);
    await page.waitForFunction(() => !document.querySelector('[data-testid=running]')
        && (document.querySelector('[data-testid=result-row]') || document.querySelector('[data-testid=results-message]')),
        null, { timeout });
}

async function open(page, url) {
    await page.goto(url);
    await page.waitForSelector(EDITOR);
    await settled(page);
}

/** The texts of the cells of every result row. */
async function rows(page) {
    return page.$$eval('[data-testid=result-row]', els => els.map(r => {
        const t = id => (r.querySelector(`[data-testid=${id}]`)?.textContent ?? null);
        return { status: t('result-status'), server: t('result-server'), location: t('result-location'),
                 upstream: t('result-upstream'), uri: t('result-uri'), text: r.textContent };
    }));
}

/** The 1-based lines the editor's selection starts and ends on. */
async function selectedLines(page) {
    return page.$eval(EDITOR, ta => [ta.value.slice(0, ta.selectionStart).split('\n').length,
                                     ta.value.slice(0, ta.selectionEnd).split('\n').length]);
}

async function noticeText(page) {
    return page.textContent('[data-testid=notice]');
}

const SHOP = `upstream app {
    server 10.0.0.5:8080;
}
server {
    listen 80;
    server_name shop.example.com;
    location /api/ {
        proxy_pass http://app/v2/;
    }
    location / {
        return 200 "home";
    }
}
`;

export const tests = {
    async 'typing a config and requests fills every column'({ base, newPage }) {
        const page = await newPage();
        await open(page, base);
        // Real keystrokes: auto-indent after "{" and the outdenting "}".
        await page.click(EDITOR);
        await page.keyboard.press('Control+A');
        await page.keyboard.press('Delete');
        await page.keyboard.type('server {');
        await page.keyboard.press('Enter');
        await page.keyboard.type('listen 80;');
        await page.keyboard.press('Enter');
        await page.keyboard.type('}');
        assert.equal(await page.inputValue(EDITOR), 'server {\n    listen 80;\n}');
        // Tab indents the line, Shift+Tab outdents it again.
        await page.keyboard.press('Home');
        await page.keyboard.press('Tab');
        assert.equal(await page.inputValue(EDITOR), 'server {\n    listen 80;\n    }');
        await page.keyboard.press('Shift+Tab');
        assert.equal(await page.inputValue(EDITOR), 'server {\n    listen 80;\n}');

        await page.fill(EDITOR, SHOP);
        await page.fill(REQUESTS, 'GET http://shop.example.com/api/orders?id=7\n# a comment\nGET http://shop.example.com/\n');
        await settled(page);
        const r = await rows(page);
        assert.equal(r.length, 2, JSON.stringify(r));
        assert.equal(r[0].status, '200');
        assert.match(r[0].server, /^shop\.example\.com :\d+$/);
        assert.equal(r[0].location, '/api/ :7');
        assert.equal(r[0].upstream, 'app → 10.0.0.5:8080');
        assert.equal(r[0].uri, '/v2/orders?id=7');
        assert.equal(r[1].status, '200');
        assert.equal(r[1].location, '/ :10');
        assert.equal(r[1].upstream, '');
        assert.match(r[1].text, /home/);
        assert.equal(await page.locator('.hl .l').count(), SHOP.split('\n').length);

        // The help and the known gaps are built in; Escape closes them.
        await page.click('[data-testid=known-gaps-link]');
        assert.ok(await page.locator('[data-testid=known-gaps] li').count() >= 5);
        assert.match(await page.textContent('[data-testid=help]'), /nginx 1\.22\.1/);
        await page.keyboard.press('Escape');
        assert.equal(await page.locator('[data-testid=help]').count(), 0);
    },

    async 'a syntax error becomes a diagnostic that jumps to its line'({ base, newPage }) {
        const page = await newPage();
        await open(page, base);
        await page.fill(EDITOR, 'server {\n    listen 80;\n    lisen 8080;\n}\n');
        await settled(page);
        const diags = page.locator('[data-testid=diagnostic]');
        assert.equal(await diags.count(), 1);
        assert.match(await diags.first().textContent(), /unknown directive "lisen" in nginx\.conf:3/);
        assert.match(await page.textContent('[data-testid=results-message]'), /refuse/);
        assert.match(await page.getAttribute('.hl .l[data-n="3"]', 'class'), /\bmk-err\b/);
        await diags.first().locator('button').click();
        assert.deepEqual(await selectedLines(page), [3, 3]);
        assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'config-editor');
        // Fixing it clears the diagnostic.
        await page.fill(EDITOR, 'server {\n    listen 80;\n    listen 8080;\n}\n');
        await settled(page);
        assert.equal(await diags.count(), 0);
    },

    async 'a share link restores the whole workspace; a damaged one keeps saved work'({ base, newPage }) {
        const a = await newPage();
        await open(a, base);
        await a.fill(EDITOR, SHOP.replace('shop.example.com', 'shared.example.com'));
        await a.fill(REQUESTS, 'GET http://shared.example.com/api/x\n');
        await a.click('[data-testid=tab-backends]');
        await a.fill('[data-testid=backends-input]', 'app down\n');
        await a.click('[data-testid=copy-link]');
        const link = await a.inputValue('[data-testid=share-url]');
        assert.match(link, /#s1=[A-Za-z0-9_-]+$/);

        const b = await newPage();
        await open(b, link);
        assert.equal(await b.inputValue(EDITOR), SHOP.replace('shop.example.com', 'shared.example.com'));
        assert.equal(await b.inputValue(REQUESTS), 'GET http://shared.example.com/api/x\n');
        assert.equal(new URL(b.url()).hash, '', 'the link data is removed from the address bar');
        const r = await rows(b);
        assert.equal(r[0].status, '502', 'backends.txt came along: app is down');
        await b.click('[data-testid=tab-backends]');
        assert.equal(await b.inputValue('[data-testid=backends-input]'), 'app down\n');

        // A truncated link: clear message, saved work untouched, also after a reload.
        await b.fill(EDITOR, '# my saved work\n');
        await b.waitForTimeout(400);
        await b.goto(link.slice(0, Math.floor(link.length * 0.6)));
        await b.waitForSelector(EDITOR);
        assert.match(await noticeText(b), /could not be opened.*saved work was left untouched/s);
        assert.equal(await b.inputValue(EDITOR), '# my saved work\n');
        await b.reload();
        await b.waitForSelector(EDITOR);
        assert.equal(await b.inputValue(EDITOR), '# my saved work\n');
    },

    async 'a reload keeps files, requests and context'({ base, newPage }) {
        const page = await newPage();
        await open(page, base);
        await page.fill(EDITOR, 'http {\n    include conf.d/*.conf;\n}\nevents {}\n');
        await page.click('[data-testid=add-file]');
        await page.fill('[data-testid=file-name-input]', 'conf.d/app.conf');
        await page.press('[data-testid=file-name-input]', 'Enter');
        await page.fill(EDITOR, 'server {\n    listen 80;\n    location / { return 204; }\n}\n');
        await page.fill(REQUESTS, 'GET http://x.example/\n');
        await page.click('[data-testid=tab-static]');
        await page.fill('[data-testid=static-files-input]', '/var/www/html/index.html\n');
        await settled(page);
        assert.equal((await rows(page))[0].status, '204', 'the include resolves across tabs');
        await page.waitForTimeout(400);
        await page.reload();
        await page.waitForSelector(EDITOR);
        await settled(page);
        const tabs = await page.$$eval('[data-testid=file-tab]', t => t.map(x => x.textContent.trim()));
        assert.deepEqual(tabs, ['nginx.conf', 'conf.d/app.conf×']);
        assert.equal(await page.inputValue(EDITOR), 'http {\n    include conf.d/*.conf;\n}\nevents {}\n');
        assert.equal(await page.inputValue(REQUESTS), 'GET http://x.example/\n');
        await page.click('[data-testid=tab-static]');
        assert.equal(await page.inputValue('[data-testid=static-files-input]'), '/var/www/html/index.html\n');
        assert.equal((await rows(page))[0].status, '204');

        // Rename the included file out of the glob's reach, then back; delete another file.
        await page.click('[data-testid=file-tab]:nth-child(2) button.tab-label');
        await page.click('[data-testid=rename-file]');
        await page.fill('[data-testid=file-name-input]', 'conf.d/app.disabled');
        await page.press('[data-testid=file-name-input]', 'Enter');
        await settled(page);
        const gone = await rows(page);
        assert.notEqual(gone[0]?.status, '204', 'the renamed file is no longer included');
        await page.click('[data-testid=rename-file]');
        await page.fill('[data-testid=file-name-input]', 'conf.d/app.conf');
        await page.press('[data-testid=file-name-input]', 'Enter');
        await settled(page);
        assert.equal((await rows(page))[0].status, '204');
        await page.click('[data-testid=add-file]');
        await page.fill('[data-testid=file-name-input]', 'snippets/unused.conf');
        await page.press('[data-testid=file-name-input]', 'Enter');
        assert.equal(await page.locator('[data-testid=file-tab]').count(), 3);
        page.once('dialog', d => d.accept());
        await page.click('[aria-label="Delete snippets/unused.conf"]');
        assert.equal(await page.locator('[data-testid=file-tab]').count(), 2);
    },

    async 'pasting nginx -T output splits it into files'({ base, newPage }) {
        const page = await newPage();
        await open(page, base);
        const dump = [
            'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok',
            'nginx: configuration file /etc/nginx/nginx.conf test is successful',
            '# configuration file /etc/nginx/nginx.conf:',
            'events {}', 'http {', '    include /etc/nginx/conf.d/*.conf;', '}', '',
            '# configuration file /etc/nginx/conf.d/site.conf:',
            'server {', '    listen 80;', '    server_name dump.example;', '    location / { return 200 "from dump"; }', '}', '', '',
        ].join('\n');
        await page.$eval(REQUESTS, (el, text) => {
            const dt = new DataTransfer();
            dt.setData('text/plain', text);
            el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
        }, dump);
        assert.match(await noticeText(page), /Split nginx -T output into 2 files/);
        const tabs = await page.$$eval('[data-testid=file-tab]', t => t.map(x => x.textContent.replace('×', '').trim()));
        assert.deepEqual(tabs, ['nginx.conf', 'conf.d/site.conf']);
        await page.fill(REQUESTS, 'GET http://dump.example/\n');
        await settled(page);
        const r = await rows(page);
        assert.equal(r[0].status, '200');
        assert.match(r[0].server, /dump\.example/);
        assert.match(r[0].text, /from dump/);
    },

    async 'the outage example shows its 502s and the trace points into the config'({ base, newPage, shots }) {
        for (const colorScheme of ['light', 'dark']) {
            const page = await newPage({ colorScheme });
            await open(page, base);
            await page.fill(EDITOR, '');
            await page.selectOption('[data-testid=examples]', { label: 'The /api outage' });
            await settled(page);
            assert.match(await noticeText(page), /Loaded example: The \/api outage/);
            const r = await rows(page);
            assert.equal(r.length, 6);
            assert.deepEqual(r.map(x => x.status), ['200', '200', '502', '502', '200', '200']);
            assert.equal(r[0].upstream, 'api_v2 → 10.0.2.11:8080');
            assert.equal(r[0].uri, '/api/v2/orders');
            assert.equal(r[2].location, '~ \\.(json|csv)$ :27');
            await page.locator(ROW).nth(1).click();
            await page.keyboard.press('ArrowDown');
            assert.equal(await page.locator(ROW).nth(2).getAttribute('aria-selected'), 'true', 'ArrowDown selects the next row');
            const steps = page.locator('[data-testid=trace-step]');
            assert.ok(await steps.count() >= 3);
            const step = steps.filter({ hasText: 'nginx.conf:27' }).first();
            await step.locator('button').click();
            assert.deepEqual(await selectedLines(page), [27, 27]);
            assert.match(await page.getAttribute('.hl .l[data-n="27"]', 'class'), /\bmk-trace\b/);
            await page.mouse.move(0, 0);
            await page.screenshot({ path: join(shots, `app-${colorScheme}.png`) });
            // "Restore previous work" brings back what was there before the example.
            await page.click('[data-testid=restore-backup]');
            await settled(page);
            assert.equal(await page.inputValue(EDITOR), '');
        }
    },

    async 'every gallery example loads, passes nginx -t and routes its requests'({ base, newPage }) {
        const page = await newPage();
        await open(page, base);
        const labels = await page.$$eval('[data-testid=examples] option', o => o.map(x => x.textContent).filter(t => t !== 'Examples…'));
        assert.ok(labels.length >= 8, `only ${labels.length} examples`);
        for (const label of labels) {
            await page.selectOption('[data-testid=examples]', { label });
            await settled(page);
            assert.match(await page.textContent('.diag-head'), /nginx -t(: syntax is ok| would accept)/, label);
            const r = await rows(page);
            assert.ok(r.length >= 2, `${label}: ${r.length} result rows`);
            assert.ok(r.every(x => x.status && x.server), `${label}: a row lacks status or server`);
        }
    },

    async 'a 5,000-server config never freezes the tab'({ base, newPage }) {
        const page = await newPage();
        await open(page, base);
        await page.fill(REQUESTS, 'GET http://site4321.example.com/api/x\nGET http://site17.example.com/\n');
        await settled(page);
        const startGapMonitor = () => page.evaluate(() => {
            window.__gaps = [];
            window.__stop = false;
            let last = performance.now();
            const tick = now => { window.__gaps.push(now - last); last = now; if (!window.__stop) requestAnimationFrame(tick); };
            requestAnimationFrame(tick);
        });
        const worstGap = () => page.evaluate(() => { window.__stop = true; return Math.max(...window.__gaps); });
        await startGapMonitor();
        const t0 = Date.now();
        // What a paste of the whole file does: one new value and one input event.
        await page.$eval(EDITOR, ta => {
            let conf = '';
            for (let i = 0; i < 5000; i++) {
                conf += `server {\n    listen 80;\n    server_name site${i}.example.com;\n    location / { return 200 "site ${i}"; }\n    location /api/ { proxy_pass http://10.0.${i % 250}.${i % 200 + 1}:8080; }\n}\n`;
            }
            ta.value = conf;
            ta.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
        });
        await settled(page, 60000);
        const took = Date.now() - t0;
        const pasteGap = await worstGap();
        assert.equal(await page.isVisible('[data-testid=large-file-note]'), true);
        let r = await rows(page);
        assert.equal(r[0].status, '200');
        assert.match(r[0].server, /site4321\.example\.com/);
        assert.match(r[0].upstream, /→ 10\.0\.71\.122:8080$/);
        assert.match(r[1].text, /site 17/);
        // Typing into the big file stays responsive: no frame waits long for the main thread.
        await page.focus(EDITOR);
        await page.keyboard.press('Control+End');
        await startGapMonitor();
        const k0 = Date.now();
        await page.keyboard.type('# end', { delay: 30 });
        const typing = Date.now() - k0;
        await settled(page, 60000);
        const typeGap = await worstGap();
        assert.match(await page.inputValue(EDITOR), /# end$/);
        // A diagnostic far down the file still jumps to its line.
        await page.$eval(EDITOR, ta => {
            ta.value = ta.value.replace('server_name site4000.example.com;', 'server_name site4000.example.com');
            ta.dispatchEvent(new InputEvent('input', { bubbles: true }));
        });
        await settled(page, 60000);
        await page.locator('[data-testid=diagnostic] button').first().click();
        const [line] = await selectedLines(page);
        assert.ok(line > 24000, `jumped to line ${line}`);
        assert.equal(await page.locator(`.hl .l[data-n="${line}"]`).count(), 1, 'the line is highlighted after the jump');
        console.log(`     5,000 servers: results ${took} ms after the paste (longest frame gap ${pasteGap.toFixed(0)} ms); `
            + `typing 5 keys took ${typing} ms (longest frame gap ${typeGap.toFixed(0)} ms)`);
        assert.ok(pasteGap < 3000, `the main thread was blocked for ${pasteGap.toFixed(0)} ms after the paste`);
        assert.ok(typeGap < 600, `the main thread was blocked for ${typeGap.toFixed(0)} ms while typing`);
    },

    async 'expectations show pass and fail, errors point at their line, and recording can be undone'({ base, newPage }) {
        const page = await newPage();
        await open(page, base);
        await page.fill(EDITOR, SHOP);
        const requests = 'GET http://shop.example.com/api/orders => upstream app, uri /v2/orders, status 200\n'
            + 'GET http://shop.example.com/ => status 404\n'
            + 'GET http://shop.example.com/x => colour red\n';
        await page.fill(REQUESTS, requests);
        await settled(page);
        const marks = await page.$$eval('[data-testid=result-expect]', els => els.map(e => e.dataset.pass));
        assert.deepEqual(marks, ['true', 'false']);
        assert.equal(await page.textContent('[data-testid=expect-summary]'), '✗ 3 of 4 expectations hold (1 request failing)');
        const failure = page.locator(ROW).nth(1).locator('[data-testid=expect-failure]');
        assert.match(await failure.textContent(), /status\s*expected\s*404\s*got\s*200/);
        // The syntax error is a diagnostic on line 3 of the requests; clicking it selects that line.
        const diag = page.locator('[data-testid=diagnostic]').filter({ hasText: 'colour' });
        assert.match(await diag.textContent(), /requests\.txt:3/);
        await diag.locator('button').click();
        await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'requests-input', null, { timeout: 3000 });
        const sel = await page.$eval(REQUESTS, ta => [document.activeElement === ta, ta.value.slice(ta.selectionStart, ta.selectionEnd)]);
        assert.deepEqual(sel, [true, 'GET http://shop.example.com/x => colour red']);
        // One click locks today's behaviour in; undo brings the old text back.
        await page.click('[data-testid=record-expectations]');
        const recorded = await page.inputValue(REQUESTS);
        assert.match(recorded, /^GET http:\/\/shop\.example\.com\/ => .*status 200$/m);
        await settled(page);
        assert.match(await page.textContent('[data-testid=expect-summary]'), /^✓ \d+ of \d+ expectations hold$/);
        assert.ok((await page.$$eval('[data-testid=result-expect]', els => els.map(e => e.dataset.pass))).every(p => p === 'true'));
        await page.click('[data-testid=undo]');
        assert.equal(await page.inputValue(REQUESTS), requests);
    },

    async 'solving an exercise: failing goals, a hint, the fix, Solved!, and progress survives a reload'({ base, newPage, shots }) {
        const page = await newPage();
        await open(page, base);
        await page.click('[data-testid=exercises-button]');
        await page.waitForSelector('[data-testid=exercise-list]');
        assert.ok(await page.locator('[data-testid=exercise-item]').count() >= 13);
        await page.click('[data-testid=exercise-item][data-id=location-priority]');
        await settled(page);
        assert.equal(await page.textContent('[data-testid=exercise-title]'), 'Which location wins?');
        assert.equal(await page.getAttribute('[data-testid=exercise-status]', 'data-solved'), 'false');
        assert.equal(await page.getAttribute('[data-testid=expect-summary]', 'data-pass'), 'false');
        assert.ok((await page.$$eval('[data-testid=result-expect]', els => els.map(e => e.dataset.pass))).includes('false'));
        assert.equal(await page.$eval(REQUESTS, ta => ta.readOnly), true, 'the goal cannot be edited');
        // Hints come one at a time.
        assert.equal(await page.locator('[data-testid=exercise-hint]').count(), 0);
        await page.click('[data-testid=exercise-next-hint]');
        assert.equal(await page.locator('[data-testid=exercise-hint]').count(), 1);
        await page.mouse.move(0, 0);
        await page.screenshot({ path: join(shots, 'exercise-light.png') });
        await page.emulateMedia({ colorScheme: 'dark' });
        await page.screenshot({ path: join(shots, 'exercise-dark.png') });
        await page.emulateMedia({ colorScheme: 'light' });
        // The fix, typed into the config editor.
        const fixed = (await page.inputValue(EDITOR))
            .replace('location /health {', 'location = /health {')
            .replace('location /static/ {', 'location ^~ /static/ {');
        await page.fill(EDITOR, fixed);
        await settled(page);
        assert.equal(await page.getAttribute('[data-testid=exercise-status]', 'data-solved'), 'true');
        assert.match(await page.textContent('[data-testid=exercise-status]'), /Solved!/);
        assert.ok((await page.$$eval('[data-testid=result-expect]', els => els.map(e => e.dataset.pass))).every(p => p === 'true'));
        await page.screenshot({ path: join(shots, 'exercise-solved-light.png') });
        // The solution is shown only after a confirmation.
        page.once('dialog', d => d.dismiss());
        await page.click('[data-testid=exercise-show-solution]');
        assert.equal(await page.locator('[data-testid=exercise-solution]').count(), 0);
        await page.waitForTimeout(400);
        await page.reload();
        await page.waitForSelector('[data-testid=exercise-panel]');
        await settled(page);
        assert.equal(await page.getAttribute('[data-testid=exercise-status]', 'data-solved'), 'true');
        assert.equal(await page.locator('[data-testid=exercise-hint]').count(), 1, 'the hint used stays shown');
        page.once('dialog', d => d.accept());
        await page.click('[data-testid=exercise-show-solution]');
        assert.match(await page.textContent('[data-testid=exercise-solution]'), /location \^~ \/static\//);
        await page.click('[data-testid=exercises-button]');
        const item = page.locator('[data-testid=exercise-item][data-id=location-priority]');
        assert.equal(await item.getAttribute('data-status'), 'solved');
        assert.match(await item.textContent(), /Solved · 1 of 3 hints used · solution seen/);
        await page.mouse.move(0, 0);
        await page.screenshot({ path: join(shots, 'gallery-light.png') });
        await page.emulateMedia({ colorScheme: 'dark' });
        await page.screenshot({ path: join(shots, 'gallery-dark.png') });
    },

    async 'compare mode: a routing change is listed first, with the diff, and the link reopens it'({ base, newPage, shots }) {
        const settledCompare = async p => {
            await p.waitForTimeout(30);
            await p.waitForFunction(() => !document.querySelector('[data-testid=compare-running]')
                && (document.querySelector('[data-testid=compare-list]') || document.querySelector('[data-testid=compare-message]')), null, { timeout: 15000 });
        };
        const changed = p => p.$$eval('[data-testid=compare-changed]', els => els.map(e => e.textContent));
        const page = await newPage();
        await open(page, base);
        await page.fill(EDITOR, SHOP);
        await page.fill(REQUESTS, 'GET http://shop.example.com/\nGET http://shop.example.com/api/orders\nGET http://shop.example.com/apix\n');
        await settled(page);
        await page.click('[data-testid=compare-toggle]');
        assert.equal(await page.getAttribute('[data-testid=compare-toggle]', 'aria-pressed'), 'true');
        await page.click('[data-testid=set-baseline]');
        await settledCompare(page);
        assert.equal((await changed(page)).length, 0);
        assert.match(await page.textContent('[data-testid=compare-summary]'), /Every request routes as before/);
        await page.fill(EDITOR, SHOP.replace('location /api/ {', 'location /api {'));
        await settledCompare(page);
        const first = await changed(page);
        assert.equal(first.length, 2, first.join(' | '));
        const order = await page.$$eval('[data-testid=compare-list] .crow', els => els.map(e => e.dataset.testid));
        assert.deepEqual(order, ['compare-changed', 'compare-changed', 'compare-same'], 'changed requests come first');
        assert.match(first[0], /\/api\/orders/);
        assert.match(first[0], /uri\s*\/v2\/orders\s*→\s*\/v2\/\/orders/);
        assert.match(first[1], /\/apix.*location\s*\/\s*→\s*\/api/s);
        const diff = await page.textContent('[data-testid=compare-diff]');
        assert.match(diff, /location \/api\/ \{/);
        assert.match(diff, /location \/api \{/);
        await page.mouse.move(0, 0);
        await page.screenshot({ path: join(shots, 'compare-light.png') });
        await page.emulateMedia({ colorScheme: 'dark' });
        await page.screenshot({ path: join(shots, 'compare-dark.png') });
        await page.click('[data-testid=copy-link]');
        const link = await page.inputValue('[data-testid=share-url]');
        assert.match(link, /#s1=/);
        const other = await newPage();
        await other.goto(link);
        await other.waitForSelector(EDITOR);
        await settledCompare(other);
        assert.equal(await other.getAttribute('[data-testid=compare-toggle]', 'aria-pressed'), 'true');
        assert.deepEqual(await changed(other), first);
        assert.equal(await other.textContent('[data-testid=compare-diff]'), diff);
        assert.match(await noticeText(other), /Opened the comparison from the link/);
    },

    async 'an exercise link opens the exercise with the shared work'({ base, newPage }) {
        const page = await newPage();
        await open(page, base);
        await page.click('[data-testid=exercises-button]');
        await page.click('[data-testid=exercise-item][data-id=location-priority]');
        await settled(page);
        await page.fill(EDITOR, (await page.inputValue(EDITOR)).replace('location /health {', 'location = /health {'));
        await settled(page);
        await page.click('[data-testid=copy-link]');
        const link = await page.inputValue('[data-testid=share-url]');
        assert.match(link, /#exercise=location-priority&s1=/);
        const other = await newPage();
        await other.goto(link);
        await other.waitForSelector('[data-testid=exercise-panel]');
        await settled(other);
        assert.match(await other.inputValue(EDITOR), /location = \/health \{/);
        assert.equal(await other.getAttribute('[data-testid=exercise-status]', 'data-solved'), 'false');
    },
};
