// Runs every suite (unit tests in Node, then e2e in Chromium) and ends with one line
// "N passed, N failed" summing them, which CI reads. Exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const suites = [
  { name: 'unit', args: ['run'] },
  { name: 'e2e', args: ['run', '--config', 'e2e/vitest.config.ts'] },
];
const only = process.argv[2];
mkdirSync('test-results', { recursive: true });

// The e2e suite drives the system Chromium. On a fresh Debian machine as root, install it so that
// `npm install && npm test` works as the README says; otherwise the harness explains what to do.
const chromes = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
if ((!only || only === 'e2e') && !process.env.CHROME_PATH && !chromes.some(existsSync)) {
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log('No Chromium found: installing the Debian package "chromium" for the e2e tests...');
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
}

// Static checks count as one test each, so CI fails on a type or lint error too.
const checks = [
  { name: 'typecheck', cmd: ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'lint', cmd: ['node_modules/eslint/bin/eslint.js', '.'] },
];

let passed = 0;
let failed = 0;
let skipped = 0;
for (const check of checks.filter(() => !only || only === 'static')) {
  console.log(`\n=== ${check.name} ===`);
  const run = spawnSync(process.execPath, check.cmd, { stdio: 'inherit' });
  if (run.status === 0) passed += 1;
  else failed += 1;
  console.log(`${check.name}: ${run.status === 0 ? 'passed' : 'failed'}`);
}
for (const suite of suites.filter((s) => !only || s.name === only)) {
  const out = `test-results/${suite.name}.json`;
  rmSync(out, { force: true });
  console.log(`\n=== ${suite.name} ===`);
  const run = spawnSync(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', ...suite.args, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`],
    { stdio: 'inherit' },
  );
  let report;
  try {
    report = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    // The runner died before writing its report (setup failed, crash): count the suite as failed.
    console.error(`${suite.name}: no report (exit ${run.status}); counting the suite as one failure.`);
    failed += 1;
    continue;
  }
  const p = report.numPassedTests ?? 0;
  const f = (report.numFailedTests ?? 0) + (report.numFailedTestSuites && !report.numFailedTests ? 1 : 0);
  const s = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  console.log(`${suite.name}: ${p} passed, ${f} failed, ${s} skipped`);
  passed += p;
  failed += f;
  skipped += s;
  if (run.status !== 0 && f === 0) failed += 1; // a non-zero exit with no failed test is still a failure
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
