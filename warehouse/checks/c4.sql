-- C4 (rules.md section C, warning, on the registry person row): sex contradicts the ID's sex
-- digit (17th: odd = 男); 配偶 of the same sex as the household's 户主 (on the 配偶 row); 之子
-- female (and, by the same token, 之女 male). The relation checks use the sex the ID gives when
-- there is one (the ID is the authority: a wrong 性别 cell is reported once, by the first check).
WITH p AS (
    SELECT *, coalesce(id_sex, sex) AS true_sex FROM (
        SELECT *, CASE WHEN id_number IS NOT NULL
                       THEN CASE WHEN try_cast(substr(id_number, 17, 1) AS INTEGER) % 2 = 1 THEN '男' ELSE '女' END
                  END AS id_sex
        FROM cur_registry_person)
), heads AS (
    SELECT household_id, min(true_sex) AS head_sex FROM p
    WHERE relation_to_head = '户主' GROUP BY household_id HAVING count(*) = 1
)
SELECT row_uid, office, file_name, file_hash, sheet, row, 'sex' AS column_name, sex AS value,
       household_id, person_id,
       concat(coalesce(name, '此人'), '登记为', sex, '，身份证号显示为', id_sex) AS detail
FROM p WHERE sex IS NOT NULL AND id_sex IS NOT NULL AND sex <> id_sex
UNION ALL
SELECT p.row_uid, p.office, p.file_name, p.file_hash, p.sheet, p.row, 'relation_to_head', p.relation_to_head,
       p.household_id, p.person_id, concat(coalesce(p.name, '此人'), '是配偶，与户主同为', p.true_sex, '性')
FROM p JOIN heads h ON h.household_id = p.household_id
WHERE p.relation_to_head = '配偶' AND p.true_sex = h.head_sex
UNION ALL
SELECT row_uid, office, file_name, file_hash, sheet, row, 'relation_to_head', relation_to_head,
       household_id, person_id, concat(coalesce(name, '此人'), '与户主关系为', relation_to_head, '，性别却是', true_sex)
FROM p WHERE (relation_to_head = '之子' AND true_sex = '女') OR (relation_to_head = '之女' AND true_sex = '男')
