// kioskctl checks a running kiosk: kioskctl check http://localhost:9898
package main

import (
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	if len(os.Args) != 3 || os.Args[1] != "check" {
		fmt.Fprintln(os.Stderr, "usage: kioskctl check URL")
		os.Exit(2)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	res, err := client.Get(os.Args[2] + "/healthz")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer res.Body.Close()
	fmt.Println(res.Status)
	if res.StatusCode != http.StatusOK {
		os.Exit(1)
	}
}
