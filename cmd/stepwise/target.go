package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// Exit codes scripts can rely on.
const (
	exitOK           = 0 // success
	exitFailed       = 1 // the operation failed
	exitUsage        = 2 // a usage error
	exitUnsuccessful = 3 // an execution ended, not SUCCEEDED (start --wait/--follow)
)

// errReported ends a command whose output already says what went wrong
// (an invalid definition): exit code 1, no more text.
var errReported = errors.New("reported")

// target says where a command sends its requests: the REST API at
// endpoint when it is set, else the REST API served in process on the
// database (see withClient).
type target struct {
	db       *string
	endpoint *string
	apiKey   *string
	output   *string
	// keyFile is --secret-key-file of the commands that encrypt secrets
	// in process; nil for the others.
	keyFile *string
}

// targetFlags adds --database, --endpoint, --api-key and -o to fs.
func targetFlags(fs *flag.FlagSet) *target {
	t := jsonTargetFlags(fs)
	t.output = fs.String("o", "table", "output format: table or json (json: the REST API's JSON as is)")
	return t
}

// jsonTargetFlags adds --database, --endpoint and --api-key to fs, for a
// command that always prints the API's JSON.
func jsonTargetFlags(fs *flag.FlagSet) *target {
	output := "json"
	return &target{
		db:       databaseFlag(fs),
		endpoint: fs.String("endpoint", os.Getenv("STEPWISE_ENDPOINT"), "REST API base URL, e.g. http://localhost:8080 (default from STEPWISE_ENDPOINT); unset: use the database"),
		apiKey:   fs.String("api-key", "", "API key secret sent as a bearer token (default from STEPWISE_API_KEY)"),
		output:   &output,
	}
}

// remote reports whether the command talks to the REST API.
func (t *target) remote() bool { return *t.endpoint != "" }

// key is --api-key, else STEPWISE_API_KEY (read here so that --help does
// not print the secret as the flag's default).
func (t *target) key() string {
	if *t.apiKey != "" {
		return *t.apiKey
	}
	return os.Getenv("STEPWISE_API_KEY")
}

// secretKey is the key that encrypts connections when the command works
// in process: --secret-key-file, else STEPWISE_SECRET_KEY; nil for a
// command without --secret-key-file.
func (t *target) secretKey() ([]byte, error) {
	if t.keyFile == nil {
		return nil, nil
	}
	return loadSecretKey(*t.keyFile)
}

// json reports whether the output is JSON.
func (t *target) json() bool { return *t.output == "json" }

// newFlagSet makes a flag set whose usage shows the synopsis, an example
// and the flags.
func newFlagSet(name, synopsis, example string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: stepwise %s %s\n\nexample:\n  %s\n\nflags:\n", name, synopsis, example)
		fs.PrintDefaults()
	}
	return fs
}

// parseArgs parses args into fs and checks that there are nargs
// positional arguments and a known output format. When it returns false
// the command ends with the returned exit code (0 for --help).
func parseArgs(fs *flag.FlagSet, args []string, nargs int, t *target) (int, bool) {
	err := parseFlags(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK, false
	case err != nil:
		return exitUsage, false
	case fs.NArg() != nargs:
		fs.Usage()
		return exitUsage, false
	case t != nil && *t.output != "table" && *t.output != "json":
		fmt.Fprintf(fs.Output(), "stepwise: -o %s: want table or json\n", *t.output)
		return exitUsage, false
	}
	return exitOK, true
}

// exitCode turns a command's error into its exit code, printing it as one
// line unless the output already told.
func exitCode(stderr io.Writer, err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errUnsuccessful):
		return exitUnsuccessful
	case errors.Is(err, errReported):
		return exitFailed
	}
	return failed(stderr, err)
}
