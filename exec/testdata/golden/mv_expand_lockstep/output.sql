WITH "_s1" AS (
  SELECT * FROM (VALUES (CAST(CAST(1 AS BIGINT) AS BIGINT), CAST(CAST('["x","y"]' AS JSON) AS JSON), CAST(CAST('[10,20,30]' AS JSON) AS JSON), 1)) AS t("a", "b", "c", "$ord")
),
"_s2" AS (
  SELECT *, (CASE WHEN json_type("b") = 'ARRAY' THEN CAST("b" AS JSON[]) WHEN json_type("b") = 'OBJECT' THEN list_transform(json_keys("b"), k -> json_object(k, json_extract("b", '/' || replace(replace(k, '~', '~0'), '/', '~1')))) ELSE ["b"] END) AS "$l0", (CASE WHEN json_type("c") = 'ARRAY' THEN CAST("c" AS JSON[]) WHEN json_type("c") = 'OBJECT' THEN list_transform(json_keys("c"), k -> json_object(k, json_extract("c", '/' || replace(replace(k, '~', '~0'), '/', '~1')))) ELSE ["c"] END) AS "$l1" FROM "_s1"
),
"_s3" AS (
  SELECT *, unnest(range(1, greatest(len("$l0"), len("$l1")) + 1)) AS "$i" FROM "_s2"
),
"_s4" AS (
  SELECT "a" AS "a", "$l0"["$i"] AS "b", "$l1"["$i"] AS "c", row_number() OVER (ORDER BY "$ord", "$i") AS "$ord" FROM "_s3"
)
SELECT "a", CAST("b" AS VARCHAR) AS "b", CAST("c" AS VARCHAR) AS "c" FROM "_s4" ORDER BY "$ord"
