-- E3 (blocking): the one number is consistent. In pub.metrics (levels city, county, township,
-- village; `site` is outside the roll-up): every count equals the sum of its parts one level down
-- (children: rows whose parent_code is the place); every count of a child has its parent's row;
-- the base counts equal the published tables (households per village, households and people of
-- the city); every rate equals 100 x numerator / denominator at its own level (site included);
-- every test agrees with its rate and threshold. row_uid = 'metrics:<level>:<code>:<metric>'.
WITH m AS (SELECT * FROM pub.metrics),
child(parent, child) AS (VALUES ('township', 'village'), ('county', 'township'), ('city', 'county')),
sums AS (
    SELECT p.level, p.code, p.metric, p.value, coalesce(sum(c.value), 0) AS expected,
           '下级合计为' || coalesce(sum(c.value), 0) AS why
    FROM m p JOIN child ON child.parent = p.level
    LEFT JOIN m c ON c.level = child.child AND c.parent_code = p.code AND c.metric = p.metric AND c.kind = 'count'
    WHERE p.kind = 'count' GROUP BY p.level, p.code, p.metric, p.value),
orphans AS (
    SELECT c.level, c.code, c.metric, c.value, NULL::DOUBLE AS expected, '上级' || c.parent_code || '没有此指标' AS why
    FROM m c JOIN child ON child.child = c.level
    WHERE c.kind = 'count' AND NOT EXISTS (
        SELECT 1 FROM m p WHERE p.level = child.parent AND p.code = c.parent_code AND p.metric = c.metric)),
base AS (
    SELECT 'village' AS level, village_code AS code, 'households' AS metric, count(*)::DOUBLE AS n
    FROM pub.household GROUP BY village_code
    UNION ALL SELECT 'city', NULL, 'households', count(*) FROM pub.household
    UNION ALL SELECT 'city', NULL, 'people', count(*) FROM pub.person p
              WHERE EXISTS (SELECT 1 FROM pub.household h WHERE h.household_id = p.household_id)),
base_bad AS (  -- a base count without a code (the city's) matches any code: two joins, both on equalities
    SELECT b.level, coalesce(m.code, b.code) AS code, b.metric, m.value, b.n AS expected, '一张表中计数为' || b.n AS why
    FROM base b LEFT JOIN m ON m.level = b.level AND m.metric = b.metric AND m.code = b.code
    WHERE b.code IS NOT NULL AND m.value IS DISTINCT FROM b.n
    UNION ALL
    SELECT b.level, m.code, b.metric, m.value, b.n, '一张表中计数为' || b.n
    FROM base b LEFT JOIN m ON m.level = b.level AND m.metric = b.metric
    WHERE b.code IS NULL AND m.value IS DISTINCT FROM b.n),
rates AS (
    SELECT r.level, r.code, r.metric, r.value,
           CASE WHEN d.value > 0 THEN 100.0 * n.value / d.value END AS expected,
           '分子' || coalesce(n.value::VARCHAR, '缺失') || '，分母' || coalesce(d.value::VARCHAR, '缺失') AS why
    FROM m r
    LEFT JOIN m n ON n.level = r.level AND n.code = r.code AND n.metric = r.numerator_metric AND n.kind = 'count'
    LEFT JOIN m d ON d.level = r.level AND d.code = r.code AND d.metric = r.denominator_metric AND d.kind = 'count'
    WHERE r.kind = 'rate'),
tests AS (
    SELECT level, code, metric, value, expected, why FROM (
        SELECT t.level, t.code, t.metric, t.value, t.passed,
               (CASE split_part(t.threshold, ' ', 1)
                    WHEN '<' THEN r.value < split_part(t.threshold, ' ', 2)::DOUBLE
                    WHEN '>=' THEN r.value >= split_part(t.threshold, ' ', 2)::DOUBLE END)::INT::DOUBLE AS expected,
               '比率' || coalesce(r.value::VARCHAR, '缺失') || '，标准' || t.threshold AS why
        FROM m t
        LEFT JOIN m r ON r.level = t.level AND r.code = t.code AND r.metric = t.numerator_metric AND r.kind = 'rate'
        WHERE t.kind = 'test')
    WHERE value IS DISTINCT FROM expected OR passed IS DISTINCT FROM (expected = 1)),
bad AS (
    SELECT * FROM sums WHERE value IS NULL OR abs(value - expected) > 1e-6
    UNION ALL SELECT * FROM orphans
    UNION ALL SELECT * FROM base_bad
    UNION ALL SELECT * FROM rates WHERE (value IS NULL) <> (expected IS NULL) OR abs(value - expected) > 1e-9
    UNION ALL SELECT * FROM tests)
SELECT 'metrics:' || level || ':' || coalesce(code, '') || ':' || metric AS row_uid, 'data_office' AS office,
       NULL::VARCHAR AS file_name, NULL::VARCHAR AS file_hash, NULL::VARCHAR AS sheet, NULL::BIGINT AS row,
       'value' AS column_name, value::VARCHAR AS value, NULL::VARCHAR AS household_id, NULL::VARCHAR AS person_id,
       level || ' ' || coalesce(code, '') || ' 指标' || metric || '为' || coalesce(value::VARCHAR, '空')
           || '，应为' || coalesce(expected::VARCHAR, '空') || '（' || why || '）' AS detail
FROM bad
