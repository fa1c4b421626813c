// The workflow definitions from the outside: `casework workflows check` lists
// the shipped pathways, or every problem with its file and line; `casework
// serve` refuses to start on an invalid definition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BIN, freePort } from './lib.mjs';

const CONFIG = path.resolve('config');

function run(args) {
  return spawnSync(BIN, args, { encoding: 'utf8', timeout: 20000 });
}

// A copy of config/ whose children.v1.json has been edited by change().
function brokenConfig(change) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'casework-wf-'));
  cpSync(CONFIG, dir, { recursive: true });
  const file = path.join(dir, 'workflows', 'children.v1.json');
  writeFileSync(file, change(readFileSync(file, 'utf8')));
  return { dir, file };
}

test('workflows check lists the shipped pathways and exits 0', () => {
  const r = run(['workflows', 'check', '--config-dir', CONFIG]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^children v1: Children's social care/m);
  assert.match(r.stdout, /^children v2: Children's social care/m);
  assert.match(r.stdout, /^children v3: Children's social care/m);
  assert.match(r.stdout, /^early_help v1: /m);
  assert.match(r.stdout, /^adults v1: /m);
  assert.match(r.stdout, /icpc +Initial child protection conference\n +due: within 15 working days of section47\.started/);
  assert.match(r.stdout, /review_conference[^\n]*\n +due: first within 3 months of icpc\.completed, then within 6 months of previous\.completed/);
  assert.match(r.stdout, /5 workflow definitions valid/);
});

test('workflows check names the file, line and rule of every problem, and exits 1', () => {
  const { dir, file } = brokenConfig((t) => t
    .replace('"within": "45 working days"', '"within": "45 workdays"')
    .replace('"next": ["cp_plan"]', '"next": ["cp_plann"]'));
  try {
    const r = run(['workflows', 'check', '--config-dir', dir]);
    assert.equal(r.status, 1);
    const lines = readFileSync(file, 'utf8').split('\n');
    const lineOf = (s) => lines.findIndex((l) => l.includes(s)) + 1;
    assert.ok(r.stderr.includes(`${file} line ${lineOf('45 workdays')}: '45 workdays' is not a timescale`), r.stderr);
    assert.ok(r.stderr.includes(`${file} line ${lineOf('cp_plann')}: outcome 'cp_plan' of step 'icpc' starts 'cp_plann'`), r.stderr);
    assert.equal(r.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve refuses to start on an invalid definition', async () => {
  const { dir, file } = brokenConfig((t) => t.replace('"from": "icpc.completed"', '"from": "icpc.finished"'));
  try {
    const port = await freePort();
    const r = run(['serve', '--config-dir', dir, '--database', path.join(dir, 'x.db'),
      '--listen', `127.0.0.1:${port}`]);
    assert.notEqual(r.status, 0);
    assert.doesNotMatch(r.stdout, /listening on/);
    assert.match(r.stderr, /workflow definitions .* are not valid/);
    assert.ok(r.stderr.includes(`${file} line `), r.stderr);
    assert.match(r.stderr, /unknown event 'icpc\.finished'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('workflows has --help; a missing subcommand is a usage error', () => {
  const help = run(['workflows', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /usage: casework workflows check \[--config-dir DIR\]/);
  const bare = run(['workflows']);
  assert.equal(bare.status, 2);
  const main = run(['--help']);
  assert.match(main.stdout, /workflows check/);
});
