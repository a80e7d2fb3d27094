#!/usr/bin/env bash
# Fills a Slipway ledger with promotion history for benchmarks: N promotions (default
# 1,000,000) of N/4 runs, each run promoted to dev, qa, staging and prod, over the last two
# years, with a mix of statuses (mostly succeeded; failed, rolled back, superseded, aborted),
# triggers (ci, webhook, five people) and, on prod, an approval by one of three release
# managers. Rows are written straight into the tables with one INSERT … SELECT generate_series
# each: a benchmark needs the rows, not a million runs of the engine, so the seeded promotions
# have no steps and no events (the event chain stays whole: `slipway audit verify` passes).
#
#   scripts/seed-promotions.sh DATABASE_URL [N]
#
# The schema must be current (`slipway db migrate --database-url URL`). Refuses a ledger that
# already holds promotions, so it is never run against a real one by mistake.
set -euo pipefail
database=${1:?usage: seed-promotions.sh DATABASE_URL [N]}
total=${2:-1000000}
command -v psql >/dev/null || { echo "seed-promotions: install the PostgreSQL client (psql)" >&2; exit 1; }
[ "$total" -ge 4 ] || { echo "seed-promotions: N must be at least 4" >&2; exit 1; }
runs=$((total / 4))
existing=$(psql "$database" -Atc "SELECT count(*) FROM promotions")
[ "$existing" = 0 ] || { echo "seed-promotions: the ledger already holds $existing promotions; seed an empty one" >&2; exit 1; }

started=$(date +%s)
psql "$database" -v ON_ERROR_STOP=1 -q <<SQL
BEGIN;
-- Run g: commit sha from g (40 hex), created every ~4 minutes back from now.
INSERT INTO runs (pipeline, commit_sha, branch, trigger, triggered_by, commit_author, status, created_at, started_at, finished_at)
SELECT 'model-serve',
       md5('commit-' || g) || substr(md5('tail-' || g), 1, 8),
       'main',
       (ARRAY['poll', 'webhook', 'manual'])[1 + g % 3],
       (ARRAY['slipway-watch', 'slipway-serve', 'ci-bot'])[1 + g % 3],
       (ARRAY['Ada <ada@example.com>', 'Linus <linus@example.com>', 'Grace <grace@example.com>', 'Ken <ken@example.com>'])[1 + g % 4],
       CASE WHEN g % 50 = 0 THEN 'failed' ELSE 'succeeded' END,
       now() - make_interval(secs => ($runs - g) * 250),
       now() - make_interval(secs => ($runs - g) * 250 - 1),
       now() - make_interval(secs => ($runs - g) * 250 - 200)
FROM generate_series(1, $runs) AS g;

-- Four promotions per run, in environment order; the id order follows the run order.
INSERT INTO promotions (run_id, pipeline, environment, commit_sha, release_id, strategy, status, triggered_by, reason,
                        created_at, started_at, finished_at)
SELECT r.id, r.pipeline, e.name, r.commit_sha, 'model-serve-' || r.id, e.strategy,
       CASE WHEN (r.id + e.n) % 97 = 0 THEN 'rolled_back'
            WHEN (r.id + e.n) % 89 = 0 THEN 'failed'
            WHEN (r.id + e.n) % 53 = 0 THEN 'superseded'
            WHEN (r.id + e.n) % 211 = 0 THEN 'aborted'
            ELSE 'succeeded' END,
       (ARRAY['slipway-watch', 'slipway-serve', 'ci-bot', 'alice', 'bob'])[1 + (r.id + e.n) % 5],
       CASE WHEN (r.id + e.n) % 97 = 0 THEN 'analysis error-rate: 0.071 > 0.01 on the canary' END,
       r.created_at + make_interval(secs => e.n * 40),
       r.created_at + make_interval(secs => e.n * 40 + 1),
       r.created_at + make_interval(secs => e.n * 40 + 30)
FROM runs r
CROSS JOIN (VALUES (1, 'dev', 'blueGreen'), (2, 'qa', 'blueGreen'), (3, 'staging', 'canary'), (4, 'prod', 'canary'))
    AS e(n, name, strategy)
ORDER BY r.id, e.n;

-- Prod's approvals: one release manager each.
INSERT INTO approvals (promotion_id, approver, approver_groups, decision, comment, release_digest, release, created_at)
SELECT p.id, (ARRAY['grace', 'margaret', 'katherine'])[1 + p.id % 3], '{release-managers}', 'approved',
       'canary metrics look good', 'sha256:' || encode(sha256(p.release_id::bytea), 'hex'),
       jsonb_build_object('commit', p.commit_sha), p.created_at + interval '10 seconds'
FROM promotions p WHERE p.environment = 'prod';
COMMIT;
ANALYZE runs;
ANALYZE promotions;
ANALYZE approvals;
SQL
echo "seeded $(psql "$database" -Atc "SELECT count(*) FROM promotions") promotions of $runs runs in $(( $(date +%s) - started )) s"
