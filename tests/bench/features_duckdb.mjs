// features_duckdb.mjs - churn-features' features as SQL in DuckDB, the
// way a data engineer would write them: one scan of the log grouped by
// (customer, event name, time bucket) over typed timestamps, then the
// buckets summed into windows with FILTER aggregates, the roles joined to
// that small table and a last GROUP BY per customer. The benchmark's strongest peer for `churn-features`, checked
// against its output like features_ref.py (tests/bench/compare.py).
//
//   node features_duckdb.mjs EVENTS.csv AS_OF HORIZON_DAYS OUT.csv [THREADS]
//
// Same setup as features_ref.py: one snapshot at AS_OF (YYYY-MM-DD, UTC),
// default role names, active window 90 days, no customers file. Assumes
// ISO-8601 timestamps (churn also reads Unix seconds) and, for the ticket
// names that the first scan filters on, names written as the defaults
// are (lower case, no spaces): the churn-synth log.
// Needs @duckdb/node-api (tools/install-deps --bench puts it in
// tests/bench/node_modules).
import { DuckDBInstance } from '@duckdb/node-api';

const DAY = 86400;
const ACTIVE_WINDOW_DAYS = 90;
const MAX_UNKNOWN = 64;
const ROLE_NAMES = {
    activity: ['login', 'usage', 'activity', 'session', 'page_view'],
    purchase: ['purchase', 'payment', 'order', 'invoice'],
    ticket_open: ['ticket', 'ticket_opened', 'complaint'],
    ticket_close: ['ticket_closed', 'ticket_resolved'],
    satisfaction: ['survey', 'csat', 'nps', 'satisfaction'],
    cancel: ['cancel', 'churn', 'unsubscribe', 'terminate'],
    signup: ['signup', 'subscribe', 'start'],
};

const quote = (s) => "'" + String(s).replace(/'/g, "''") + "'";
const names = (role) => ROLE_NAMES[role].map(quote).join(', ');

function usage() {
    console.error('usage: features_duckdb.mjs EVENTS.csv AS_OF ' +
                  'HORIZON_DAYS OUT.csv [THREADS]');
    process.exit(2);
}

// The first pass, over the log: one row per (customer, raw event name,
// time bucket), where the buckets are the windows' edges (0: the last 7
// days before AS_OF, 1: 7-30, 2: 30-60, 3: 60-90, 4: 90-180, 5: older;
// -1: the label window, -2: after it), so that each event feeds a few
// plain aggregates instead of a FILTER per window. Which role a name has
// is decided afterwards, on the small table.
function bucketSql(events, t0, horizon) {
    const T0 = `TIMESTAMP ${quote(t0)}`;
    const ago = (days) => `${T0} - INTERVAL ${days} DAY`;
    const dt = `(epoch(ts) - epoch(${T0}))`;
    const x = `(${dt} / ${30 * DAY})`;
    const some = `0 * value`; // NULL when the value is missing
    return `CREATE TEMP TABLE b AS
SELECT customer_id AS id, event AS name,
  CASE WHEN ts >= ${T0} + INTERVAL ${horizon} DAY THEN -2
       WHEN ts >= ${T0} THEN -1
       WHEN ts >= ${ago(7)} THEN 0 WHEN ts >= ${ago(30)} THEN 1
       WHEN ts >= ${ago(60)} THEN 2 WHEN ts >= ${ago(90)} THEN 3
       WHEN ts >= ${ago(180)} THEN 4 ELSE 5 END AS b,
  min(ts) AS first_ts, max(ts) AS last_ts, count(*) AS n,
  count(value) AS nv, sum(value) AS sv,
  arg_max(value, CASE WHEN value IS NOT NULL THEN ts END) AS last_value,
  max(CASE WHEN value IS NOT NULL THEN ts END) AS last_value_ts,
  sum(${x} + ${some}) AS tsx, sum(${x} * value) AS tsxy,
  sum(${x} * ${x} + ${some}) AS tsxx,
  list(${dt}) FILTER (event IN (${names('ticket_open')})) AS opens,
  sum(${dt}) AS dt_sum
FROM read_csv(${quote(events)}, header = true, auto_detect = false,
  columns = {'customer_id': 'VARCHAR', 'ts': 'TIMESTAMP',
             'event': 'VARCHAR', 'value': 'DOUBLE'},
  nullstr = ['', 'NA', 'N/A', 'NaN', 'null'])
GROUP BY ALL`;
}

// The buckets summed into the windows: one row per (customer, name).
function groupSql() {
    const f = (expr, cond) => `${expr} FILTER (${cond})`;
    const windows = { 7: 'b = 0', 30: 'b BETWEEN 0 AND 1',
                      90: 'b BETWEEN 0 AND 3', 3060: 'b = 2' };
    const agg = [];
    for (const [k, w] of Object.entries(windows))
        agg.push(`${f('sum(n)', w)} AS n${k}`, `${f('sum(nv)', w)} AS nv${k}`,
                 `${f('sum(sv)', w)} AS sv${k}`);
    const recent = 'b BETWEEN 0 AND 4';
    return `CREATE TEMP TABLE g AS
SELECT id, name, min(first_ts) AS first_ts,
  ${f('min(first_ts)', 'b >= 0')} AS first_before,
  ${f('max(last_ts)', 'b >= 0')} AS last_before,
  ${f('sum(n)', 'b >= 0')} AS n, ${f('sum(nv)', 'b >= 0')} AS nv,
  ${f('sum(sv)', 'b >= 0')} AS sv,
  ${agg.join(',\n  ')},
  ${f('sum(n)', 'b = -1')} AS n_after,
  ${f('min(first_ts)', 'b = -1')} AS first_after,
  ${f('arg_max(last_value, last_value_ts)', 'b >= 0')} AS last_value,
  ${f('max(last_value_ts)', 'b >= 0')} AS last_value_ts,
  ${f('sum(nv)', recent)} AS tn, ${f('sum(tsx)', recent)} AS tsx,
  ${f('sum(sv)', recent)} AS tsy, ${f('sum(tsxy)', recent)} AS tsxy,
  ${f('sum(tsxx)', recent)} AS tsxx,
  flatten(${f('list(opens)', 'b >= 0 AND opens IS NOT NULL')}) AS opens,
  ${f('sum(dt_sum)', 'b >= 0')} AS close_sum
FROM b GROUP BY id, name`;
}

// The roles of the names in g, and the unknown names' column names.
const rolesSql = `CREATE TEMP TABLE r AS
WITH k(role, name) AS (VALUES ${Object.entries(ROLE_NAMES).flatMap(
    ([role, ns]) => ns.map((n) => `(${quote(role)}, ${quote(n)})`)).join(', ')})
SELECT g.*, coalesce(k.role, 'activity') AS role, k.role IS NULL AS unknown,
  regexp_replace(lower(trim(g.name)), '[^a-z0-9_]', '_', 'g') AS col
FROM g LEFT JOIN k ON lower(trim(g.name)) = k.name`;

// The second pass: one row per customer of the snapshot.
function featureSql(t0, horizon, anyCancel, unknown, out) {
    const T0 = `TIMESTAMP ${quote(t0)}`;
    const days = (t) => `(epoch(${T0}) - epoch(${t})) / ${DAY}`;
    const f = (expr, role) => `${expr} FILTER (role = ${quote(role)})`;
    // Activity values default to 1: the values' sum plus the missing ones.
    const act = (k) => `coalesce(${f(`sum(coalesce(sv${k}, 0) + n${k} - nv${k})`,
                                     'activity')}, 0)`;
    const cols = unknown.map((c) =>
        `coalesce(sum(n30) FILTER (unknown AND col = ${quote(c)}), 0) AS ` +
        `"events_${c}_30d"`);
    const population = `first_ts < ${T0} AND NOT coalesce(first_cancel < ${T0}, false)` +
        (anyCancel ? '' : ` AND last_act >= ${T0} - INTERVAL ${ACTIVE_WINDOW_DAYS} DAY`);
    const label = anyCancel ? `(coalesce(cancel_after, 0) > 0)::INT`
                            : `(coalesce(act_after, 0) = 0)::INT`;
    // Days from AS_OF to the churn, for churners only: to the first
    // cancel in the window, or (activity labels) to the day the customer
    // had been quiet for the whole horizon, at least 0.
    const daysToChurn = anyCancel
        ? `(epoch(cancel_at) - epoch(${T0})) / ${DAY}`
        : `greatest(epoch(last_act) + ${horizon * DAY} - epoch(${T0}), 0) / ${DAY}`;
    return `COPY (
WITH c AS (SELECT id,
  min(first_ts) AS first_ts,
  ${f('min(first_ts)', 'cancel')} AS first_cancel,
  ${f('min(first_before)', 'signup')} AS signup,
  ${f('max(last_before)', 'activity')} AS last_act,
  ${f('max(last_before)', 'purchase')} AS last_purchase,
  ${f('max(last_before)', 'ticket_open')} AS last_ticket,
  ${act(7)} AS a7, ${act(30)} AS a30, ${act(90)} AS a90, ${act(3060)} AS a3060,
  coalesce(${f('sum(n90)', 'purchase')}, 0) AS p90,
  coalesce(${f('sum(sv90)', 'purchase')}, 0) AS m90,
  coalesce(${f('sum(sv)', 'purchase')}, 0) AS m_total,
  coalesce(${f('sum(n)', 'purchase')}, 0) AS p_total,
  coalesce(${f('sum(n30)', 'ticket_open')}, 0) AS t30,
  coalesce(${f('sum(n90)', 'ticket_open')}, 0) AS t90,
  coalesce(${f('sum(n)', 'ticket_open')}, 0) AS n_open,
  coalesce(${f('sum(n)', 'ticket_close')}, 0) AS n_close,
  list_sort(flatten(${f('list(opens)', 'ticket_open')})) AS opens,
  ${f('sum(close_sum)', 'ticket_close')} AS close_sum,
  ${f('sum(nv)', 'satisfaction')} AS s_n,
  ${f('sum(sv)', 'satisfaction')} AS s_sum,
  ${f('arg_max(last_value, last_value_ts)', 'satisfaction')} AS s_last,
  ${f('sum(tn)', 'satisfaction')} AS tn, ${f('sum(tsx)', 'satisfaction')} AS sx,
  ${f('sum(tsy)', 'satisfaction')} AS sy, ${f('sum(tsxy)', 'satisfaction')} AS sxy,
  ${f('sum(tsxx)', 'satisfaction')} AS sxx,
  ${f('sum(n_after)', 'cancel')} AS cancel_after,
  ${f('min(first_after)', 'cancel')} AS cancel_at,
  ${f('sum(n_after)', 'activity')} AS act_after${cols.length ? ',\n  ' : ''}${cols.join(',\n  ')}
FROM r GROUP BY id)
SELECT id AS customer_id,
  ${days('coalesce(signup, first_ts)')} AS tenure_days,
  ${days('last_act')} AS recency_activity_days,
  ${days('last_purchase')} AS recency_purchase_days,
  ${days('last_ticket')} AS recency_ticket_days,
  a7 AS activity_7d, a30 AS activity_30d, a90 AS activity_90d,
  CASE WHEN a30 + a3060 <> 0 THEN (a30 - a3060) / (a30 + a3060) END
    AS activity_trend,
  p90 AS purchases_90d, m90 AS monetary_90d, m_total AS monetary_total,
  p_total AS purchases_total, t30 AS tickets_30d, t90 AS tickets_90d,
  greatest(n_open - n_close, 0) AS tickets_unresolved,
  CASE WHEN n_open > 0 AND n_close > 0 THEN greatest(CASE
    WHEN n_close <= n_open
    THEN (close_sum - list_sum(opens[1:n_close])) / n_close
    ELSE close_sum / n_close - list_sum(opens) / n_open END, 0) / ${DAY}
  END AS ticket_resolution_days_mean,
  s_last AS satisfaction_last, s_sum / s_n AS satisfaction_mean,
  coalesce(s_n, 0) AS satisfaction_count,
  CASE WHEN tn >= 2 AND sxx - sx * sx / tn > 1e-10 * sxx
    THEN (sxy - sx * sy / tn) / (sxx - sx * sx / tn) END
    AS satisfaction_trend${unknown.map((c) => `,\n  "events_${c}_30d"`).join('')},
  ${label} AS churned,
  CASE WHEN ${label} = 1 THEN ${daysToChurn} END AS days_to_churn
FROM c WHERE ${population}
) TO ${quote(out)} (HEADER, DELIMITER ',')`;
}

async function main() {
    const [events, asOf, horizonText, out, threads] = process.argv.slice(2);
    if (!out || !/^\d{4}-\d{2}-\d{2}$/.test(asOf))
        usage();
    const horizon = Number(horizonText);
    const db = await DuckDBInstance.create(':memory:',
                                           { threads: threads || '2' });
    const con = await db.connect();
    await con.run(bucketSql(events, asOf, horizon));
    await con.run(groupSql());
    await con.run(rolesSql);
    const cancels = await con.runAndReadAll(
        "SELECT count(*) AS n FROM r WHERE role = 'cancel'");
    const anyCancel = Number(cancels.getRows()[0][0]) > 0;
    // Unknown names seen before AS_OF, in order of name: churn orders
    // them by first appearance in the file, which would cost DuckDB a
    // row number per event (a third of its time); compare.py matches
    // columns by name. The same set as churn's while there are at most
    // MAX_UNKNOWN of them.
    const seen = await con.runAndReadAll(
        `SELECT col FROM r WHERE unknown GROUP BY col
         HAVING sum(n) > 0 ORDER BY col LIMIT ${MAX_UNKNOWN}`);
    const unknown = seen.getRows().map((row) => row[0]);
    await con.run(featureSql(asOf, horizon, anyCancel, unknown, out));
}

main().catch((e) => {
    console.error('features_duckdb: ' + e.message);
    process.exit(1);
});
