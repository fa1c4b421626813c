// Durability: a write acknowledged with 201 survives SIGKILL. A burst of
// concurrent team creations runs while the server is killed mid-flight; after
// a restart on the same database every acknowledged team is there with its
// audit row, SQLite's integrity check passes and the audit chain verifies.
// Three kill/restart rounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Server, tokenFor } from './lib.mjs';

const ROUNDS = 3;
const IN_FLIGHT = 8;
const BURST_MS = 1000;

function sql(db, query) {
  const r = spawnSync('sqlite3', [db, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// Create teams from IN_FLIGHT concurrent loops until stopped; returns the
// names acknowledged with 201. Requests cut off by the kill just fail.
function burst(server, token, round) {
  const acked = [];
  let n = 0, stopped = false, unexpected = null;
  const worker = async () => {
    while (!stopped) {
      const name = `team-${round}-${n++}`;
      try {
        const res = await fetch(`${server.url}/api/v1/teams`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name }),
        });
        const body = await res.text();
        if (res.status === 201) acked.push(name);
        else if (!stopped) unexpected ??= `${res.status} ${body}`;
      } catch {
        return; // the server is gone
      }
    }
  };
  const workers = Array.from({ length: IN_FLIGHT }, worker);
  return {
    acked,
    async stop() { stopped = true; await Promise.all(workers); return unexpected; },
  };
}

test('acknowledged writes survive SIGKILL mid-burst', { timeout: 60000 }, async (t) => {
  let server = await new Server().start();
  const token = await tokenFor(server, 'durable-admin', 'administrator');
  const bearer = { authorization: `Bearer ${token}` };
  const acked = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const b = burst(server, token, round);
      await sleep(BURST_MS);
      await server.kill9();
      const unexpected = await b.stop();
      assert.equal(unexpected, null, 'every request before the kill succeeded or was cut off');
      assert.ok(b.acked.length > 0, `round ${round} acknowledged some writes`);
      acked.push(...b.acked);
      t.diagnostic(`round ${round}: ${b.acked.length} teams acknowledged before the kill`);

      server = await new Server({ dir: server.dir }).start();
      const res = await fetch(`${server.url}/api/v1/teams`, { headers: bearer });
      assert.equal(res.status, 200, 'the token persisted');
      const present = new Set((await res.json()).teams.map((t) => t.name));
      const lost = acked.filter((name) => !present.has(name));
      assert.deepEqual(lost, [], `round ${round}: ${lost.length} of ${acked.length} acknowledged teams lost`);

      const audited = new Set(sql(server.db, "select detail from audit where action = 'team.create'").split('\n'));
      assert.deepEqual(acked.filter((name) => !audited.has(name)), [], 'every acknowledged team has its audit row');
      assert.equal(sql(server.db, 'PRAGMA integrity_check'), 'ok');
      const verify = server.cli(['audit', 'verify']);
      assert.equal(verify.status, 0, `audit verify: ${verify.stdout}${verify.stderr}`);
    }
  } finally {
    await server.stop();
  }
});
