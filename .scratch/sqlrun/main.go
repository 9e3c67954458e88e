package main

import (
	"database/sql"
	"fmt"
	"io"
	"os"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		panic(err)
	}
	q, _ := io.ReadAll(os.Stdin)
	rows, err := db.Query(string(q))
	if err != nil {
		fmt.Println("ERR:", err)
		return
	}
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		rows.Scan(ptrs...)
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			fmt.Printf("%s=%v\t", cols[i], v)
		}
		fmt.Println()
	}
	if err := rows.Err(); err != nil {
		fmt.Println("ERR:", err)
	}
}
