WITH "_s1" AS (
  SELECT * FROM (VALUES (CAST(CAST(1 AS BIGINT) AS BIGINT), CAST('x' AS VARCHAR), 1), (CAST(CAST(NULL AS BIGINT) AS BIGINT), CAST('n' AS VARCHAR), 2)) AS t("k", "a", "$ord")
),
"_s2" AS (
  SELECT * FROM (VALUES (CAST(CAST(NULL AS BIGINT) AS BIGINT), CAST('m' AS VARCHAR), 1), (CAST(CAST(3 AS BIGINT) AS BIGINT), CAST('r' AS VARCHAR), 2)) AS t("k", "b", "$ord")
),
"_s3" AS (
  SELECT l."k" AS "k", l."a" AS "a", coalesce(r."b", '') AS "b" FROM "_s1" AS l LEFT JOIN "_s2" AS r ON l."k" IS NOT DISTINCT FROM r."k"
),
"_s4" AS (
  SELECT "a" AS "a", "b" AS "b", ("b" = '') AS "e" FROM "_s3"
),
"_s5" AS (
  SELECT "a" AS "a", "b" AS "b", "e" AS "e" FROM "_s4"
)
SELECT "a", "b", "e" FROM "_s5"
