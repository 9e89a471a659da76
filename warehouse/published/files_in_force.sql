-- pub.files_in_force: every file whose rows are in force for the reporting month (the cur_*
-- views: latest accepted month per sender and scope), with its sender and month.
SELECT DISTINCT file_hash, office, file_name, month FROM (
    SELECT file_hash, office, file_name, month FROM cur_registry_household
    UNION ALL SELECT file_hash, office, file_name, month FROM cur_registry_person
    UNION ALL SELECT file_hash, office, file_name, month FROM cur_industry
    UNION ALL SELECT file_hash, office, file_name, month FROM cur_employment
    UNION ALL SELECT file_hash, office, file_name, month FROM cur_relocation
    UNION ALL SELECT file_hash, office, file_name, month FROM cur_ecology
    UNION ALL SELECT file_hash, office, file_name, month FROM cur_education
    UNION ALL SELECT file_hash, office, file_name, month FROM cur_health
    UNION ALL SELECT file_hash, office, file_name, month FROM cur_social_security
    UNION ALL SELECT file_hash, office, file_name, month FROM cur_housing
    UNION ALL SELECT file_hash, office, file_name, month FROM cur_infra_village
    UNION ALL SELECT file_hash, office, file_name, month FROM cur_infra_household
    UNION ALL SELECT file_hash, office, file_name, month FROM cur_screening)
ORDER BY office, month, file_name
