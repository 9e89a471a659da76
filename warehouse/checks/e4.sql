-- E4 (blocking): every published row traces back to at least one landed file and row: the
-- lineage (file_hash, sheet, row, row_uid) of every pub.household, pub.person and pub.village row
-- is a row of `landed_row`; every village-level metric is a published village.
WITH traced AS (
    SELECT 'household' AS tbl, row_uid, file_hash, household_id, NULL::VARCHAR AS person_id, NULL::VARCHAR AS code
    FROM pub.household
    UNION ALL SELECT 'person', row_uid, file_hash, household_id, person_id, NULL FROM pub.person
    UNION ALL SELECT 'village', row_uid, file_hash, NULL, NULL, village_code FROM pub.village)
SELECT coalesce(t.row_uid, t.tbl || ':' || coalesce(t.household_id, t.person_id, t.code, '')) AS row_uid,
       'data_office' AS office, NULL::VARCHAR AS file_name, NULL::VARCHAR AS file_hash, NULL::VARCHAR AS sheet,
       NULL::BIGINT AS row, 'row_uid' AS column_name, t.row_uid AS value, t.household_id, t.person_id,
       t.tbl || '表的行' || coalesce(t.household_id, t.person_id, t.code, '') || '追溯不到已落地的文件行' AS detail
FROM traced t
WHERE t.row_uid IS NULL
   OR NOT EXISTS (SELECT 1 FROM landed_row l WHERE l.row_uid = t.row_uid AND l.file_hash = t.file_hash)
UNION ALL
SELECT 'metrics:village:' || m.code || ':' || m.metric, 'data_office', NULL, NULL, NULL, NULL, 'code', m.code, NULL, NULL,
       '村级指标' || m.metric || '的村代码' || m.code || '不在村表中'
FROM pub.metrics m
WHERE m.level = 'village' AND NOT EXISTS (SELECT 1 FROM pub.village v WHERE v.village_code = m.code)
