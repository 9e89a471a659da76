-- submissions: the expected-submission calendar, DHIS2-style. One row per sender of the calendar
-- and per reporting month the ledger has seen: submitted on time, late, or missing.
-- `due_calendar` (office, due_day) is sources/<office>.yaml `due_day`, registered by the caller
-- (pipelines/status.py `submissions`): a month's files are due by that day of the following month.
-- submitted_at = the earliest modification time (Beijing time) the ledger first saw among the
-- month's files taken in; open problems = reject and warning findings on the files in force.
-- `onetable status` reads the same query, so the CLI and this table cannot disagree.
WITH months AS (
    SELECT DISTINCT month FROM ledger WHERE regexp_full_match(month, '\d{4}-\d{2}')
), files AS (
    SELECT office, month, file_hash, submitted_at, rows_accepted, rows_warned, rows_rejected
    FROM ledger WHERE status IN ('accepted', 'partly_accepted', 'superseded') AND month IS NOT NULL
), sent AS (
    SELECT office, month, min(submitted_at) AS submitted_at, count(DISTINCT file_hash) AS files,
           sum(rows_accepted + rows_warned) AS rows_accepted, sum(rows_rejected) AS rows_rejected
    FROM files GROUP BY ALL
), problems AS (
    SELECT l.office, l.month, count(*) AS open_problems
    FROM finding f JOIN ledger l ON l.file_hash = f.file_hash AND l.file_name = f.file_name
    WHERE f.severity IN ('reject', 'warning') AND l.status IN ('accepted', 'partly_accepted')
    GROUP BY ALL
), grid AS (
    SELECT c.office, m.month,
           CAST(strptime(m.month || '-01', '%Y-%m-%d') + INTERVAL 1 MONTH AS DATE) + (c.due_day - 1) AS due_date,
           strftime(strptime(m.month || '-01', '%Y-%m-%d') - INTERVAL 1 MONTH, '%Y-%m') AS previous_month
    FROM due_calendar c CROSS JOIN months m
)
SELECT g.month AS reporting_month, g.office,
       CASE WHEN s.office IS NULL THEN 'missing'
            WHEN CAST(s.submitted_at AS DATE) > g.due_date THEN 'late' ELSE 'on_time' END AS verdict,
       s.submitted_at, g.due_date,
       coalesce(s.files, 0) AS files_in, coalesce(s.rows_accepted, 0) AS rows_accepted,
       coalesce(s.rows_rejected, 0) AS rows_rejected, coalesce(p.open_problems, 0) AS open_problems,
       s.rows_accepted - prev.rows_accepted AS change_accepted
FROM grid g
LEFT JOIN sent s ON s.office = g.office AND s.month = g.month
LEFT JOIN problems p ON p.office = g.office AND p.month = g.month
LEFT JOIN sent prev ON prev.office = g.office AND prev.month = g.previous_month
ORDER BY g.month, g.office
