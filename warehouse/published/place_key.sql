-- pub.place_key(name): a place name compared loosely with the gazetteer: spaces removed and the
-- administrative suffix dropped, so 镇安县 = 镇安, 商州市 = 商州区 = 商州, 西华村 = 西华村委会 = 西华.
-- NULL for an empty name (never matches).
CREATE OR REPLACE MACRO pub.place_key(n) AS nullif(
    regexp_replace(
        regexp_replace(coalesce(n, ''), '[\s\x{3000}\x{00A0}]', '', 'g'),
        '(村民委员会|居民委员会|村委会|居委会|社区|街道办事处|街道办|街道|办事处|村|镇|乡|县|区|市)$', ''),
    '');
