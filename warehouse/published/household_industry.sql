-- pub.household_industry: per household, the industry sender's rows in force tied to it through
-- `link`, added up (types merged, the first row's driving mode and entity). Not published; read by
-- pub.household by household_id (pipelines.publish KEYED, as pub.household_housing).
WITH lk AS (SELECT row_uid, household_id FROM link WHERE household_id IS NOT NULL)
SELECT lk.household_id, pub.sources(list(i.office)) AS office,
       list_sort(list_distinct(flatten(list(i.industry_types)))) AS industry_types,
       first(i.driving_mode ORDER BY i.row_uid) AS driving_mode,
       first(i.driving_entity ORDER BY i.row_uid) AS driving_entity,
       sum(i.support_funds) AS support_funds,
       coalesce(sum(i.operating_income), 0) AS income_operating,
       coalesce(sum(i.dividend_income), 0) AS income_dividends
FROM cur_industry i JOIN lk USING (row_uid) GROUP BY lk.household_id
