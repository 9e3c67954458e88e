WITH "_s1" AS (
  SELECT * FROM (VALUES (CAST('user=alice id=42' AS VARCHAR), 1), (CAST('garbage' AS VARCHAR), 2)) AS t("s", "$ord")
),
"_s2" AS (
  SELECT "s" AS "s", (CASE WHEN regexp_matches("s", '^user=(.*?) id=([-+]?\d+)$') AND (CASE WHEN regexp_matches(trim(nullif(regexp_extract("s", '^user=(.*?) id=([-+]?\d+)$', 2), ''), ' 	
'), '^[+-]?[0-9]+$') THEN TRY_CAST(trim(nullif(regexp_extract("s", '^user=(.*?) id=([-+]?\d+)$', 2), ''), ' 	
') AS BIGINT) WHEN regexp_matches(trim(nullif(regexp_extract("s", '^user=(.*?) id=([-+]?\d+)$', 2), ''), ' 	
'), '^0[xX][0-9a-fA-F]{1,16}$') THEN CAST(((CAST(TRY_CAST('0x' || substr(trim(nullif(regexp_extract("s", '^user=(.*?) id=([-+]?\d+)$', 2), ''), ' 	
'), 3) AS UBIGINT) AS HUGEINT) + 9223372036854775808) % 18446744073709551616 + 18446744073709551616) % 18446744073709551616 - 9223372036854775808 AS BIGINT) ELSE NULL END) IS NOT NULL THEN regexp_extract("s", '^user=(.*?) id=([-+]?\d+)$', 1) ELSE '' END) AS "user", (CASE WHEN regexp_matches("s", '^user=(.*?) id=([-+]?\d+)$') AND (CASE WHEN regexp_matches(trim(nullif(regexp_extract("s", '^user=(.*?) id=([-+]?\d+)$', 2), ''), ' 	
'), '^[+-]?[0-9]+$') THEN TRY_CAST(trim(nullif(regexp_extract("s", '^user=(.*?) id=([-+]?\d+)$', 2), ''), ' 	
') AS BIGINT) WHEN regexp_matches(trim(nullif(regexp_extract("s", '^user=(.*?) id=([-+]?\d+)$', 2), ''), ' 	
'), '^0[xX][0-9a-fA-F]{1,16}$') THEN CAST(((CAST(TRY_CAST('0x' || substr(trim(nullif(regexp_extract("s", '^user=(.*?) id=([-+]?\d+)$', 2), ''), ' 	
'), 3) AS UBIGINT) AS HUGEINT) + 9223372036854775808) % 18446744073709551616 + 18446744073709551616) % 18446744073709551616 - 9223372036854775808 AS BIGINT) ELSE NULL END) IS NOT NULL THEN (CASE WHEN regexp_matches(trim(nullif(regexp_extract("s", '^user=(.*?) id=([-+]?\d+)$', 2), ''), ' 	
'), '^[+-]?[0-9]+$') THEN TRY_CAST(trim(nullif(regexp_extract("s", '^user=(.*?) id=([-+]?\d+)$', 2), ''), ' 	
') AS BIGINT) WHEN regexp_matches(trim(nullif(regexp_extract("s", '^user=(.*?) id=([-+]?\d+)$', 2), ''), ' 	
'), '^0[xX][0-9a-fA-F]{1,16}$') THEN CAST(((CAST(TRY_CAST('0x' || substr(trim(nullif(regexp_extract("s", '^user=(.*?) id=([-+]?\d+)$', 2), ''), ' 	
'), 3) AS UBIGINT) AS HUGEINT) + 9223372036854775808) % 18446744073709551616 + 18446744073709551616) % 18446744073709551616 - 9223372036854775808 AS BIGINT) ELSE NULL END) END) AS "id", "$ord" FROM "_s1"
)
SELECT "s", "user", "id" FROM "_s2" ORDER BY "$ord"
