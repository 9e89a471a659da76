-- versions: the row of the version being published (the published `versions` table also keeps the
-- rows of every earlier version). Parameters: $version, $published_at (UTC), $rule_summary (JSON:
-- open issues per rule id). Files: pub.files_in_force (file names masked like every published text).
SELECT $version AS version, $published_at::TIMESTAMP AS published_at, rc.reporting_month, rc.as_of, rc.income_line,
       (SELECT list_sort(list_distinct(list(month))) FROM pub.files_in_force) AS months_covered,
       (SELECT count(DISTINCT file_hash) FROM pub.files_in_force) AS files_used,
       (SELECT list(office || '/' || pub.mask_text(file_name) || ' (' || month || ')' ORDER BY office, month, file_name)
        FROM pub.files_in_force) AS files,
       $rule_summary AS rule_summary,
       (SELECT count(*) FROM pub.household) AS households,
       (SELECT count(*) FROM pub.person) AS people
FROM run_context rc
LIMIT 1
