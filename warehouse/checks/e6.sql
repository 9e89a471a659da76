-- E6 (warning): a metric moved by more than a set share (30 %) since the last published version:
-- pub.metrics against pub.metrics_previous (the published database's metrics, loaded by
-- pipelines.publish before the gate; empty on a first publication). Counts and rates at the
-- city, county and township levels only (villages are too small for shares to mean much).
SELECT 'metrics:' || m.level || ':' || m.code || ':' || m.metric AS row_uid, 'data_office' AS office,
       NULL::VARCHAR AS file_name, NULL::VARCHAR AS file_hash, NULL::VARCHAR AS sheet, NULL::BIGINT AS row,
       'value' AS column_name, m.value::VARCHAR AS value, NULL::VARCHAR AS household_id, NULL::VARCHAR AS person_id,
       m.level || ' ' || m.code || ' ' || m.metric_label || '由' || p.value || '变为' || m.value || '（'
           || round(100.0 * (m.value - p.value) / abs(p.value), 1) || '%，上一版本' || p.version || '）' AS detail
FROM pub.metrics m
JOIN pub.metrics_previous p ON p.level = m.level AND p.code = m.code AND p.metric = m.metric
WHERE m.level IN ('city', 'county', 'township') AND m.kind IN ('count', 'rate')
  AND p.value <> 0 AND (m.value IS NULL OR abs(m.value - p.value) > 0.30 * abs(p.value))
