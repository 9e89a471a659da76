-- changes (a VIEW of the analysts' database, over household_history and versions only, so it depends
-- on no file path): what changed for each household between two published versions. One row per
-- household and changed column (change_kind `changed`: topic status / exit_check / indicator, old and
-- new value as text), or one row per household added or removed (changed_column empty). Every
-- ordered pair of versions is listed (from_version published before to_version); `consecutive` marks
-- a version against the one published just before it. Filter on both versions, e.g.
--   SELECT * FROM changes WHERE from_version = 'A' AND to_version = 'B'
-- The comparisons (the marker in the list below): one struct per household column except household_id and
-- the registry row's lineage, generated from schemas/published.yaml (pipelines.snapshot.changes_sql).
WITH v AS (
    SELECT version, row_number() OVER (ORDER BY published_at, version) AS seq FROM versions),
pairs AS (
    SELECT a.version AS from_version, b.version AS to_version, b.seq = a.seq + 1 AS consecutive
    FROM v a JOIN v b ON a.seq < b.seq),
both_sides AS (
    SELECT p.from_version, p.to_version, p.consecutive, n.household_id, n.village_code,
           unnest(list_filter([
        /*compared*/
           ], lambda x: x.old_value IS DISTINCT FROM x.new_value)) AS d
    FROM pairs p
    JOIN household_history o ON o.version = p.from_version
    JOIN household_history n ON n.version = p.to_version AND n.household_id = o.household_id),
one_side AS (
    SELECT p.from_version, p.to_version, p.consecutive, n.household_id, n.village_code, 'added' AS change_kind
    FROM pairs p JOIN household_history n ON n.version = p.to_version
    WHERE NOT EXISTS (SELECT 1 FROM household_history o
                      WHERE o.version = p.from_version AND o.household_id = n.household_id)
    UNION ALL
    SELECT p.from_version, p.to_version, p.consecutive, o.household_id, o.village_code, 'removed'
    FROM pairs p JOIN household_history o ON o.version = p.from_version
    WHERE NOT EXISTS (SELECT 1 FROM household_history n
                      WHERE n.version = p.to_version AND n.household_id = o.household_id))
SELECT from_version, to_version, consecutive, household_id, village_code, 'changed' AS change_kind,
       d.topic AS change_topic, d.col AS changed_column, d.label AS column_label, d.old_value,
       d.new_value
FROM both_sides
UNION ALL
SELECT from_version, to_version, consecutive, household_id, village_code, change_kind, NULL, NULL, NULL, NULL, NULL
FROM one_side
