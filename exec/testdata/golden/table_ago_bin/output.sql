WITH "_s2" AS (
  SELECT epoch_ns("Timestamp") // 100 AS "Timestamp" FROM "Events" WHERE "Timestamp" >= TIMESTAMP_NS '2024-03-01 10:00:00.000000100' AND (lower("FileName") = 'cmd.exe')
),
"_s3" AS (
  SELECT ("Timestamp" - (("Timestamp") % 36000000000 + 36000000000) % 36000000000) AS "Timestamp", count(*) AS "n" FROM "_s2" GROUP BY 1
),
"_s4" AS (
  SELECT "Timestamp", "n", row_number() OVER (ORDER BY "Timestamp" ASC NULLS FIRST) AS "$ord" FROM "_s3"
)
SELECT (CASE WHEN "Timestamp" BETWEEN -621355968000000000 AND 2534023007999999999 THEN "Timestamp" END) AS "Timestamp", "n" FROM "_s4" ORDER BY "$ord"
