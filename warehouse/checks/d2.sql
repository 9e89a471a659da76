-- D2 (rules.md section D, warning): screening reports a registry member as 财政供养人员, 工商注册
-- or 城镇购房; or 车辆 when 比对明细 gives a price over 30,000 元 or no price at all (a
-- wrongly-registered household candidate, 错评). The price is read from 比对明细: a number followed
-- by 万/万元 (x 10,000) or 元, else a number after 价格/价值/售价/购置价/购车价/金额; thousands
-- separators are ignored. Rows: the screening row, and (also_on_registry) the household's
-- registry row.
WITH s AS (
    SELECT c.*, replace(replace(coalesce(c.finding_detail, ''), ',', ''), '，', '') AS txt
    FROM cur_screening c
), priced AS (
    SELECT s.*,
           CASE WHEN regexp_matches(txt, '[0-9]+(\.[0-9]+)?\s*万')
                    THEN 10000 * try_cast(regexp_extract(txt, '([0-9]+(\.[0-9]+)?)\s*万', 1) AS DOUBLE)
                WHEN regexp_matches(txt, '[0-9]+(\.[0-9]+)?\s*元')
                    THEN try_cast(regexp_extract(txt, '([0-9]+(\.[0-9]+)?)\s*元', 1) AS DOUBLE)
                WHEN regexp_matches(txt, '(价格|价值|售价|购置价|购车价|金额)\s*[:：]?\s*[0-9]')
                    THEN try_cast(regexp_extract(txt, '(价格|价值|售价|购置价|购车价|金额)\s*[:：]?\s*([0-9]+(\.[0-9]+)?)', 2) AS DOUBLE)
           END AS price
    FROM s
), bad AS (
    SELECT c.row_uid, c.office, c.file_name, c.file_hash, c.sheet, c.row, 'finding_category' AS column_name,
           c.finding_category AS value, h.household_id, p.person_id,
           concat(coalesce(p.name, '此人'), '（户编号', h.household_id, '，户主', coalesce(h.head_name, '未登记'), '）比对为',
                  c.finding_category,
                  CASE WHEN c.finding_category <> '车辆' THEN ''
                       WHEN c.price IS NULL THEN '，比对明细没有车辆价格'
                       ELSE concat('，车辆价格约', CAST(round(c.price) AS BIGINT), '元，超过3万元') END,
                  CASE WHEN c.finding_detail IS NOT NULL THEN concat('（', c.finding_detail, '）') ELSE '' END) AS detail
    FROM priced c
    JOIN link l ON l.row_uid = c.row_uid
    JOIN cur_registry_person p ON p.person_id = l.person_id
    JOIN cur_registry_household h ON h.household_id = p.household_id
    WHERE c.finding_category IN ('财政供养人员', '工商注册', '城镇购房')
       OR (c.finding_category = '车辆' AND (c.price IS NULL OR c.price > 30000))
)
SELECT * FROM bad
UNION ALL
SELECT h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, 'household_id', h.household_id, h.household_id,
       CASE WHEN count(DISTINCT b.person_id) = 1 THEN min(b.person_id) END,
       string_agg(b.detail, '；' ORDER BY b.detail)
FROM bad b JOIN cur_registry_household h ON h.household_id = b.household_id
GROUP BY h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, h.household_id
