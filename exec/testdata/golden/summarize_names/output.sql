WITH "_s1" AS (
  SELECT * FROM (VALUES (CAST('a' AS VARCHAR), CAST(CAST(1 AS BIGINT) AS BIGINT), 1), (CAST('a' AS VARCHAR), CAST(CAST(2 AS BIGINT) AS BIGINT), 2), (CAST('b' AS VARCHAR), CAST(CAST(3 AS BIGINT) AS BIGINT), 3)) AS t("k", "v", "$ord")
),
"_s2" AS (
  SELECT "k" AS "k", count(*) AS "count_", CAST(((coalesce(sum(CAST("v" AS HUGEINT)), 0) + 9223372036854775808) % 18446744073709551616 + 18446744073709551616) % 18446744073709551616 - 9223372036854775808 AS BIGINT) AS "sum_v", coalesce(avg(CAST("v" AS DOUBLE)), CAST('NaN' AS DOUBLE)) AS "avg_v", coalesce(to_json(list(coalesce(to_json("v"), CAST('null' AS JSON)) ORDER BY "$ord") FILTER (WHERE "v" IS NOT NULL)), CAST('[]' AS JSON)) AS "list_v", min("$ord") AS "$ord" FROM "_s1" GROUP BY 1
)
SELECT "k", "count_", "sum_v", "avg_v", CAST("list_v" AS VARCHAR) AS "list_v" FROM "_s2" ORDER BY "$ord"
