// Command kqlhunt asks questions of security data in plain English or KQL.
package main

import (
	"os"

	"github.com/kqlhunt/kqlhunt/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
