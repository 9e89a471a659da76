-- D5 (rules.md section D, warning, on the relocation row): keys handed or moved in before the house
-- was completed (or with no completion date at all), or moved in before the keys were handed.
-- One finding per row, the problems joined; column = the first date out of order.
WITH r AS (
    SELECT s.*,
           concat_ws('；',
               CASE WHEN s.keys_handed_date < s.house_completed_date THEN concat('交钥匙日期', s.keys_handed_date, '早于房屋竣工日期', s.house_completed_date) END,
               CASE WHEN s.keys_handed_date IS NOT NULL AND s.house_completed_date IS NULL THEN concat('已于', s.keys_handed_date, '交钥匙，但没有房屋竣工日期') END,
               CASE WHEN s.moved_in_date < s.house_completed_date THEN concat('入住日期', s.moved_in_date, '早于房屋竣工日期', s.house_completed_date) END,
               CASE WHEN s.moved_in_date IS NOT NULL AND s.house_completed_date IS NULL AND s.keys_handed_date IS NULL THEN concat('已于', s.moved_in_date, '入住，但没有房屋竣工日期') END,
               CASE WHEN s.moved_in_date < s.keys_handed_date THEN concat('入住日期', s.moved_in_date, '早于交钥匙日期', s.keys_handed_date) END
           ) AS problems,
           CASE WHEN s.keys_handed_date < s.house_completed_date
                  OR (s.keys_handed_date IS NOT NULL AND s.house_completed_date IS NULL) THEN 'keys_handed_date'
                ELSE 'moved_in_date' END AS first_column
    FROM cur_relocation s
)
SELECT r.row_uid, r.office, r.file_name, r.file_hash, r.sheet, r.row, r.first_column AS column_name,
       CAST(CASE WHEN r.first_column = 'keys_handed_date' THEN r.keys_handed_date ELSE r.moved_in_date END AS VARCHAR) AS value,
       l.household_id, l.person_id,
       concat(coalesce(r.head_name, '此户'),
              CASE WHEN l.household_id IS NOT NULL THEN concat('（户编号', l.household_id, '）') ELSE '' END,
              '：', r.problems) AS detail
FROM r
LEFT JOIN link l ON l.row_uid = r.row_uid
WHERE r.problems <> ''
