-- pub.place_match: the place codes of every registry household row and village infrastructure
-- row in force, from the names as written (pub.place_key) against the gazetteer `place`
-- (reference/places.csv). The infrastructure village sheet's 村代码 wins when the gazetteer knows it.
-- Unknown village (C8): <township_code>999; unknown township: <county_code>999 and
-- <county_code>999999; unknown county (the row's scope is tried too): 999999...
WITH p AS (
    SELECT DISTINCT county_code, county_name, township_code, township_name, village_code, village_name,
           pub.place_key(county_name) AS ck, pub.place_key(township_name) AS tk, pub.place_key(village_name) AS vk
    FROM place),
counties AS (SELECT ck, min(county_code) AS county_code, min(county_name) AS county_name FROM p GROUP BY ck),
county_names AS (SELECT county_code, min(county_name) AS county_name FROM p GROUP BY county_code),
townships AS (SELECT county_code, tk, min(township_code) AS township_code FROM p GROUP BY county_code, tk),
township_names AS (SELECT township_code, min(township_name) AS township_name FROM p GROUP BY township_code),
villages AS (SELECT township_code, vk, min(village_code) AS village_code FROM p GROUP BY township_code, vk),
village_names AS (SELECT village_code, min(township_code) AS township_code, min(county_code) AS county_code,
                         min(village_name) AS village_name FROM p GROUP BY village_code),
src AS (
    SELECT row_uid, 'registry_household' AS tbl, county_name, township_name, village_name, scope,
           NULL::VARCHAR AS given_code
    FROM cur_registry_household
    UNION ALL
    SELECT row_uid, 'infra_village', county_name, township_name, village_name, scope, village_code
    FROM cur_infra_village),
matched AS (
    SELECT s.row_uid, s.tbl, coalesce(c.county_code, sc.county_code) AS c_code, t.township_code AS t_code,
           v.village_code AS v_code, g.village_code AS g_code, g.township_code AS g_township, g.county_code AS g_county
    FROM src s
    LEFT JOIN counties c ON c.ck = pub.place_key(s.county_name)
    LEFT JOIN county_names sc ON sc.county_code = s.scope
    LEFT JOIN townships t ON t.county_code = coalesce(c.county_code, sc.county_code)
                         AND t.tk = pub.place_key(s.township_name)
    LEFT JOIN villages v ON v.township_code = t.township_code AND v.vk = pub.place_key(s.village_name)
    LEFT JOIN village_names g ON g.village_code = s.given_code),
codes AS (
    SELECT row_uid, tbl,
           coalesce(g_county, c_code, '999999') AS county_code,
           coalesce(g_township, t_code, coalesce(c_code, '999999') || '999') AS township_code,
           coalesce(g_code, v_code, CASE WHEN t_code IS NOT NULL THEN t_code || '999'
                                         ELSE coalesce(c_code, '999999') || '999999' END) AS village_code,
           CASE WHEN coalesce(g_code, v_code) IS NOT NULL THEN 'village' WHEN t_code IS NOT NULL THEN 'township'
                WHEN c_code IS NOT NULL THEN 'county' ELSE 'none' END AS place_match
    FROM matched)
SELECT codes.row_uid, codes.tbl, codes.county_code, codes.township_code, codes.village_code, codes.place_match,
       codes.place_match <> 'village' AS is_unknown_village,
       coalesce(cn.county_name, '未识别县区') AS gazetteer_county_name,
       coalesce(tn.township_name, '未识别乡镇') AS gazetteer_township_name,
       coalesce(vn.village_name, '未识别行政村') AS gazetteer_village_name
FROM codes
LEFT JOIN county_names cn ON cn.county_code = codes.county_code
LEFT JOIN township_names tn ON tn.township_code = codes.township_code
LEFT JOIN village_names vn ON vn.village_code = codes.village_code
