-- pub.sources(list): the senders in a list of office names, distinct, sorted, comma-separated;
-- NULL when none (for `*_source` columns aggregated over several rows or members).
CREATE OR REPLACE MACRO pub.sources(l) AS nullif(array_to_string(list_sort(list_distinct(l)), ','), '');
