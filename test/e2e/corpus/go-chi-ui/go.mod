module github.com/acme/tasks

go 1.24
