WITH "_s1" AS (
  SELECT * FROM (VALUES (CAST(CAST(1 AS BIGINT) AS BIGINT), CAST('x' AS VARCHAR), 1), (CAST(CAST(1 AS BIGINT) AS BIGINT), CAST('y' AS VARCHAR), 2), (CAST(CAST(2 AS BIGINT) AS BIGINT), CAST('z' AS VARCHAR), 3)) AS t("k", "a", "$ord")
),
"_s2" AS (
  SELECT * FROM (VALUES (CAST(CAST(1 AS BIGINT) AS BIGINT), CAST('p' AS VARCHAR), 1), (CAST(CAST(1 AS BIGINT) AS BIGINT), CAST('q' AS VARCHAR), 2), (CAST(CAST(3 AS BIGINT) AS BIGINT), CAST('r' AS VARCHAR), 3)) AS t("k", "b", "$ord")
),
"_s3" AS (
  SELECT DISTINCT ON ("k") * FROM "_s1" ORDER BY "k", "$ord"
),
"_s4" AS (
  SELECT l."k" AS "k", r."k" AS "k1", r."b" AS "b" FROM "_s3" AS l INNER JOIN "_s2" AS r ON l."k" IS NOT DISTINCT FROM r."k"
),
"_s5" AS (
  SELECT "k" AS "k", "k1" AS "k1", "b" AS "b" FROM "_s4"
)
SELECT "k", "k1", "b" FROM "_s5"
