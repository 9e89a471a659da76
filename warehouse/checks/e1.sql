-- E1 (blocking): one row per registered household; household number unique and not null.
-- Runs on the candidate tables in the working database (pub.household) against the registry in
-- force (cur_registry_household). Bad rows: a null or repeated household_id in pub.household, and
-- a registry household in force missing from it. row_uid = the registry row's row_uid.
SELECT h.row_uid, 'data_office' AS office, NULL::VARCHAR AS file_name, NULL::VARCHAR AS file_hash,
       NULL::VARCHAR AS sheet, NULL::BIGINT AS row, 'household_id' AS column_name, h.household_id AS value,
       h.household_id, NULL::VARCHAR AS person_id,
       CASE WHEN h.household_id IS NULL THEN '一张表中户编号为空'
            ELSE '户编号' || h.household_id || '在一张表中出现' || h.n || '次' END AS detail
FROM (SELECT row_uid, household_id, count(*) OVER (PARTITION BY household_id) AS n FROM pub.household) h
WHERE h.household_id IS NULL OR h.n > 1
UNION ALL
SELECT r.row_uid, 'data_office', NULL, NULL, NULL, NULL, 'household_id', r.household_id, r.household_id, NULL,
       '建档立卡户' || r.household_id || '未进入一张表'
FROM cur_registry_household r
WHERE r.household_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM pub.household h WHERE h.household_id = r.household_id)
