-- D9 (rules.md section D, info): the registry's 年人均纯收入 and the per-capita sum of the sector
-- income components (contract.md "Income components") differ by more than 30 % of the registry
-- value. Components per household and year: wages = Σ 月均工资 x 务工月数 (employment; a 护林员
-- post is left out when ecology reports 护林员年报酬 for the same person); operating + dividends
-- (industry); transfers = 月保障金额 x 12 for 农村低保/特困供养/残疾人两项补贴, 临时救助 once
-- (social_security); eco = 护林员年报酬 + 退耕还林补助 + 生态效益补偿 (ecology). Per capita divides
-- by the registry's 家庭人口数. Households with no registry income or size are not checked.
-- Rows ("on the row that carries the fact"): every sector row that contributes a component; when
-- the household has no sector income row at all, one row on its registry row instead.
WITH rangers AS (
    SELECT DISTINCT l.person_id FROM cur_ecology e JOIN link l ON l.row_uid = e.row_uid
    WHERE e.ranger_annual_pay IS NOT NULL AND l.person_id IS NOT NULL
), part AS (
    SELECT e.row_uid, e.office, e.file_name, e.file_hash, e.sheet, e.row, l.household_id, l.person_id,
           'monthly_wage' AS column_name, e.monthly_wage AS num, '务工' AS component,
           e.monthly_wage * e.work_months AS amount
    FROM cur_employment e JOIN link l ON l.row_uid = e.row_uid
    WHERE l.household_id IS NOT NULL AND e.monthly_wage IS NOT NULL AND e.work_months IS NOT NULL
      AND NOT (coalesce(e.welfare_post_type = '护林员', false) AND l.person_id IN (SELECT person_id FROM rangers))
    UNION ALL
    SELECT i.row_uid, i.office, i.file_name, i.file_hash, i.sheet, i.row, l.household_id, l.person_id,
           'operating_income', i.operating_income, '产业', coalesce(i.operating_income, 0) + coalesce(i.dividend_income, 0)
    FROM cur_industry i JOIN link l ON l.row_uid = i.row_uid
    WHERE l.household_id IS NOT NULL AND (i.operating_income IS NOT NULL OR i.dividend_income IS NOT NULL)
    UNION ALL
    SELECT s.row_uid, s.office, s.file_name, s.file_hash, s.sheet, s.row, l.household_id, l.person_id,
           'monthly_amount', s.monthly_amount, '兜底保障',
           CASE WHEN s.assistance_type = '临时救助' THEN s.monthly_amount ELSE s.monthly_amount * 12 END
    FROM cur_social_security s JOIN link l ON l.row_uid = s.row_uid
    WHERE l.household_id IS NOT NULL AND s.monthly_amount IS NOT NULL
      AND s.assistance_type IN ('农村低保', '特困供养', '残疾人两项补贴', '临时救助')
    UNION ALL
    SELECT e.row_uid, e.office, e.file_name, e.file_hash, e.sheet, e.row, l.household_id, l.person_id,
           'ranger_annual_pay', e.ranger_annual_pay, '生态',
           coalesce(e.ranger_annual_pay, 0) + coalesce(e.grain_for_green_subsidy, 0) + coalesce(e.eco_compensation, 0)
    FROM cur_ecology e JOIN link l ON l.row_uid = e.row_uid
    WHERE l.household_id IS NOT NULL
      AND (e.ranger_annual_pay IS NOT NULL OR e.grain_for_green_subsidy IS NOT NULL OR e.eco_compensation IS NOT NULL)
), totals AS (
    SELECT household_id, sum(amount) AS total FROM part GROUP BY household_id
), bad AS (
    SELECT h.*, t.total, coalesce(t.total, 0) / h.household_size AS sector_pc
    FROM cur_registry_household h LEFT JOIN totals t ON t.household_id = h.household_id
    WHERE h.income_per_capita IS NOT NULL AND h.household_size > 0
      AND abs(coalesce(t.total, 0) / h.household_size - h.income_per_capita) > 0.3 * h.income_per_capita
), parts AS (  -- written out only for the households that fail (not for every household)
    SELECT household_id, string_agg(component || printf('%.0f', amount) || '元', '、' ORDER BY component, amount) AS parts
    FROM part WHERE household_id IN (SELECT household_id FROM bad) GROUP BY household_id
), said AS (
    SELECT b.*, concat('户编号', b.household_id, '（户主', coalesce(b.head_name, '未登记'), '）建档立卡年人均纯收入',
                       printf('%.0f', b.income_per_capita), '元；',
                       CASE WHEN b.total IS NULL THEN '各部门均未报送收入'
                            ELSE concat('各部门报送', p.parts, '，合计', printf('%.0f', b.total), '元') END,
                       '，按', b.household_size, '人折人均', printf('%.0f', b.sector_pc), '元') AS detail
    FROM bad b LEFT JOIN parts p ON p.household_id = b.household_id
)
SELECT p.row_uid, p.office, p.file_name, p.file_hash, p.sheet, p.row, p.column_name,
       regexp_replace(CAST(p.num AS VARCHAR), '\.0$', '') AS value,
       p.household_id, p.person_id, s.detail
FROM part p JOIN said s ON s.household_id = p.household_id
UNION ALL
SELECT s.row_uid, s.office, s.file_name, s.file_hash, s.sheet, s.row, 'income_per_capita',
       regexp_replace(CAST(s.income_per_capita AS VARCHAR), '\.0$', ''), s.household_id, NULL, s.detail
FROM said s WHERE s.total IS NULL
