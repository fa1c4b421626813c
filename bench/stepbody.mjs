// node bench/stepbody.mjs CONFIG_DIR PATHWAY > body.json
// The body that completes the first step of PATHWAY's newest definition with
// its first closing outcome: every mandatory field the contact form does not
// already fill (contacts_create gives the referrer, source, concern and the
// person), answered by its type, so the benchmark keeps working when a new
// version of the definition adds fields.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const [configDir, pathway] = process.argv.slice(2);
const dir = path.join(configDir, 'workflows');
const versions = readdirSync(dir)
  .map((f) => f.match(new RegExp(`^${pathway}\\.v(\\d+)\\.json$`)))
  .filter(Boolean)
  .map((m) => Number(m[1]));
if (!versions.length) throw new Error(`no ${pathway} definition in ${dir}`);
const def = JSON.parse(readFileSync(path.join(dir, `${pathway}.v${Math.max(...versions)}.json`), 'utf8'));
const startId = Array.isArray(def.start) ? def.start[0] : def.start;
const step = def.steps.find((s) => s.id === startId);
const given = new Set(['referral_source', 'referrer', 'contact_from', 'requested_by',
  'referrer_contact', 'concern', 'reason', 'needs']);
const firstCode = (list) => readFileSync(path.join(configDir, 'codes', `${list}.txt`), 'utf8')
  .split('\n').find((l) => l && !l.startsWith('#')).split('\t')[0];
const today = new Date().toISOString().slice(0, 10);
const answers = {};
for (const f of step.form || []) {
  if (!f.mandatory || given.has(f.name) || f.type === 'person') continue;
  answers[f.name] = {
    text: 'Benchmark', textarea: 'Advice given; no further action (benchmark).', date: today,
    datetime: `${today}T09:00:00Z`, code: f.list && firstCode(f.list),
    codes: f.list && [firstCode(f.list)], yes_no: true, number: 0,
  }[f.type];
}
const outcome = step.outcomes.find((o) => o.close) || step.outcomes[0];
const body = { outcome: outcome.id, answers };
if (outcome.close && outcome.close.reasons) body.closure_reason = firstCode(outcome.close.reasons);
process.stdout.write(JSON.stringify(body));
