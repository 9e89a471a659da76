-- D4 (rules.md section D, warning, on the housing row): a renovation accepted (竣工验收日期 set)
-- whose subsidy was paid more than 30 days after acceptance, or is unpaid more than 30 days after
-- acceptance at the as-of date.
SELECT s.row_uid, s.office, s.file_name, s.file_hash, s.sheet, s.row,
       CASE WHEN s.subsidy_paid_date IS NULL THEN 'acceptance_date' ELSE 'subsidy_paid_date' END AS column_name,
       CAST(coalesce(s.subsidy_paid_date, s.acceptance_date) AS VARCHAR) AS value, l.household_id, l.person_id,
       concat(coalesce(s.head_name, '此户'),
              CASE WHEN l.household_id IS NOT NULL THEN concat('（户编号', l.household_id, '）') ELSE '' END,
              '于', s.acceptance_date, '竣工验收，',
              CASE WHEN s.subsidy_paid_date IS NULL
                   THEN concat('截至', rc.as_of, '已', rc.as_of - s.acceptance_date, '天，补助仍未兑付')
                   ELSE concat('补助于', s.subsidy_paid_date, '兑付，相隔', s.subsidy_paid_date - s.acceptance_date, '天') END) AS detail
FROM cur_housing s
LEFT JOIN link l ON l.row_uid = s.row_uid
CROSS JOIN (SELECT as_of FROM run_context LIMIT 1) rc
WHERE s.acceptance_date IS NOT NULL
  AND ((s.subsidy_paid_date IS NOT NULL AND s.subsidy_paid_date - s.acceptance_date > 30)
    OR (s.subsidy_paid_date IS NULL AND rc.as_of - s.acceptance_date > 30))
