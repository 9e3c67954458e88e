WITH "_s1" AS (
  SELECT CAST('{"a":{"b":[1,2,3]},"k":"v"}' AS JSON) AS "d", CAST(1 AS BIGINT) AS "$ord"
),
"_s2" AS (
  SELECT "d" AS "d", json_extract(json_extract(json_extract("d", '/a'), '/b'), '$[#-1]') AS "x", json_extract("d", '/k') AS "y", json_extract("d", '/missing') AS "z", (CASE WHEN json_type(json_extract(json_extract("d", '/a'), '/b')) = 'ARRAY' THEN CAST(json_array_length(json_extract(json_extract("d", '/a'), '/b')) AS BIGINT) END) AS "n", "$ord" FROM "_s1"
)
SELECT CAST("d" AS VARCHAR) AS "d", CAST("x" AS VARCHAR) AS "x", CAST("y" AS VARCHAR) AS "y", CAST("z" AS VARCHAR) AS "z", "n" FROM "_s2" ORDER BY "$ord"
