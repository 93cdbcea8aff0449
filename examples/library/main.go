// Command library runs a state machine whose Task is a Go function, with
// Stepwise used as a library: the README's example, whole.
//
//	go run ./examples/library
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/migrations"
)

// definition is a state machine with one Task, run by the Go function greet.
const definition = `{
  "StartAt": "Greet",
  "States": {
    "Greet": {"Type": "Task", "Resource": "stepwise:function:greet", "End": true}
  }
}`

func main() {
	ctx := context.Background()
	url := os.Getenv("STEPWISE_DATABASE_URL")
	if url == "" {
		url = "postgres://postgres@127.0.0.1:5432/stepwise?sslmode=disable"
	}
	pool, err := pgxpool.New(ctx, url)
	check(err)
	defer pool.Close()
	_, err = migrations.Up(ctx, pool)
	check(err)

	// Register a Go function: its input and output are JSON.
	reg := activities.NewRegistry()
	activities.Register(reg, "greet", func(ctx context.Context, in struct{ Who string }) (string, error) {
		return "Hello, " + in.Who, nil
	})

	// Start an engine that drives executions and runs the function.
	e, err := engine.New(pool, &engine.Config{Functions: reg, Drive: true})
	check(err)
	check(e.Start(ctx))
	defer e.Stop(context.Background())

	// Create the state machine (once), start an execution and wait for it.
	_, _, err = e.CreateStateMachine(ctx, "hello", engine.MachineSpec{Definition: definition})
	if !errors.Is(err, engine.ErrStateMachineExists) {
		check(err)
	}
	exec, _, err := e.StartExecution(ctx, engine.StartInput{StateMachine: "hello", Input: `{"who":"Ada"}`})
	check(err)
	exec, err = e.Wait(ctx, exec.ARN)
	check(err)
	fmt.Println(exec.Status, *exec.Output) // SUCCEEDED "Hello, Ada"
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
