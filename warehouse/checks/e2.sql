-- E2 (blocking): every member row belongs to a published household (pub.person -> pub.household);
-- person_id not null and unique. row_uid = the registry member row's row_uid.
SELECT p.row_uid, 'data_office' AS office, NULL::VARCHAR AS file_name, NULL::VARCHAR AS file_hash,
       NULL::VARCHAR AS sheet, NULL::BIGINT AS row,
       CASE WHEN p.person_id IS NULL OR p.n > 1 THEN 'person_id' ELSE 'household_id' END AS column_name,
       CASE WHEN p.person_id IS NULL OR p.n > 1 THEN p.person_id ELSE p.household_id END AS value,
       p.household_id, p.person_id,
       CASE WHEN p.person_id IS NULL THEN '成员表中人编号为空'
            WHEN p.n > 1 THEN '人编号' || p.person_id || '在成员表中出现' || p.n || '次'
            WHEN p.household_id IS NULL THEN '成员' || p.person_id || '没有户编号'
            ELSE '成员' || p.person_id || '所属户' || p.household_id || '不在一张表中' END AS detail
FROM (SELECT row_uid, person_id, household_id, count(*) OVER (PARTITION BY person_id) AS n FROM pub.person) p
WHERE p.person_id IS NULL OR p.n > 1 OR p.household_id IS NULL
   OR NOT EXISTS (SELECT 1 FROM pub.household h WHERE h.household_id = p.household_id)
