-- D3 (rules.md section D, warning, on the housing row): a household 已脱贫 whose housing grade is
-- C级/D级 with no accepted renovation (竣工验收日期 empty) and no relocation move-in (a current
-- relocation row of the household with 入住日期 on or before the as-of date).
SELECT s.row_uid, s.office, s.file_name, s.file_hash, s.sheet, s.row, 'house_grade' AS column_name,
       s.house_grade AS value, h.household_id, l.person_id,
       concat('户编号', h.household_id, '（户主', coalesce(h.head_name, '未登记'), '）已脱贫，房屋鉴定为', s.house_grade,
              '，没有竣工验收日期，也没有搬迁入住') AS detail
FROM cur_housing s
JOIN link l ON l.row_uid = s.row_uid
JOIN cur_registry_household h ON h.household_id = l.household_id
CROSS JOIN (SELECT as_of FROM run_context LIMIT 1) rc
WHERE h.poverty_status = '已脱贫' AND s.house_grade IN ('C级', 'D级') AND s.acceptance_date IS NULL
  AND NOT EXISTS (
      SELECT 1 FROM cur_relocation r JOIN link lr ON lr.row_uid = r.row_uid
      WHERE lr.household_id = h.household_id AND r.moved_in_date IS NOT NULL AND r.moved_in_date <= rc.as_of)
