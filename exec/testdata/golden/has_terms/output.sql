WITH "_s1" AS (
  SELECT * FROM (VALUES (CAST('KustoExplorerQueryRun' AS VARCHAR), 1), (CAST('alpha_beta' AS VARCHAR), 2), (CAST('a cat' AS VARCHAR), 3), (CAST('helloworld' AS VARCHAR), 4), (CAST('x/resourcegroups/y' AS VARCHAR), 5)) AS t("s", "$ord")
),
"_s2" AS (
  SELECT * FROM "_s1" WHERE ((((contains(lower("s"), 'cat') AND regexp_matches("s", '(?:^|[^\pL\pN])(?i:cat)(?:$|[^\pL\pN])')) OR (contains(lower("s"), 'alpha') AND regexp_matches("s", '(?:^|[^\pL\pN])(?i:alpha)(?:$|[^\pL\pN])'))) OR (contains(lower("s"), 'explorer') AND regexp_matches("s", '(?:^|[^\pL\pN])(?i:Explorer)(?:$|[^\pL\pN])'))) OR ((contains(lower("s"), '/resourcegroups/') OR contains("s", 'ſ')) AND regexp_matches("s", '(?i:/resourcegroups/)')))
)
SELECT "s" FROM "_s2" ORDER BY "$ord"
