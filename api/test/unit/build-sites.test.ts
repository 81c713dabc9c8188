/** scripts/build-sites.ts: a site is built once, rebuilt when an input changes, and a failed build is said. */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSite } from '../../../scripts/build-sites.ts';

// The "build" counts its runs in a file outside its inputs and writes dist/index.html.
const buildScript = `node -e "console.log('a noisy build line');console.error('a noisy warning');const f=require('fs');const n=f.existsSync('../runs')?+f.readFileSync('../runs','utf8'):0;f.writeFileSync('../runs',String(n+1));if(process.env.FAIL_BUILD||f.existsSync('src/broken'))process.exit(1);f.mkdirSync('dist',{recursive:true});f.writeFileSync('dist/index.html','ok')"`;

describe('buildSite', () => {
  let folder: string;
  let site: string;
  const runs = async () => Number(await readFile(join(folder, 'runs'), 'utf8').catch(() => '0'));

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'flowlab-build-'));
    site = join(folder, 'site');
    await mkdir(join(site, 'src'), { recursive: true });
    await writeFile(join(site, 'src/page.txt'), 'one');
    await writeFile(
      join(site, 'package.json'),
      JSON.stringify({ name: 'site', scripts: { build: buildScript }, flowlab: { buildInputs: ['src'] } }),
    );
  });
  afterEach(() => rm(folder, { recursive: true, force: true }));

  it('builds once and reuses the build while the inputs are unchanged', () => {
    expect(buildSite(site, () => {}, 'ignore')).toBe('built');
    expect(buildSite(site, () => {}, 'ignore')).toBe('up-to-date');
  });

  it('rebuilds when an input changes, and counts each build', async () => {
    buildSite(site, () => {}, 'ignore');
    await writeFile(join(site, 'src/page.txt'), 'two');
    expect(buildSite(site, () => {}, 'ignore')).toBe('built');
    expect(await runs()).toBe(2);
  });

  it('reports a failed build and tries again next time', async () => {
    await writeFile(join(site, 'src/broken'), '');
    const lines: string[] = [];
    expect(buildSite(site, (line) => lines.push(line), 'ignore')).toBe('failed');
    expect(lines.join('\n')).toMatch(/failed/);
    await rm(join(site, 'src/broken'));
    expect(buildSite(site, () => {}, 'ignore')).toBe('built');
  });

  // What a terminal shows: buildSite in a process of its own, its stderr read whole.
  const terminalOf = () =>
    spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { buildSite } from ${JSON.stringify(new URL('../../../scripts/build-sites.ts', import.meta.url).href)}; buildSite(${JSON.stringify(site)});`,
      ],
      { encoding: 'utf8' },
    );

  it("keeps a good build's output out of the terminal, and shows a failed build's whole", async () => {
    const good = terminalOf();
    expect(`${good.stdout}${good.stderr}`).not.toContain('noisy');
    expect(good.stderr).toMatch(/built \S*site\/ in/);
    await writeFile(join(site, 'src/broken'), '');
    const failed = terminalOf();
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toContain('a noisy build line');
    expect(failed.stderr).toContain('a noisy warning');
    expect(failed.stderr).toMatch(/failed/);
  });

  it('leaves a folder without buildInputs alone', async () => {
    await writeFile(join(site, 'package.json'), JSON.stringify({ name: 'site' }));
    expect(buildSite(site, () => {}, 'ignore')).toBe('not-a-site');
  });
});
