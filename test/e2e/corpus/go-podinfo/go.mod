module github.com/acme/kiosk/v2

go 1.24
