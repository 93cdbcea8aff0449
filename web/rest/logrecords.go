package rest

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web/internal/apierror"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
)

// ExpressStatuses are the statuses an Express execution may be listed
// by.
var ExpressStatuses = []string{store.StatusRunning, store.StatusSucceeded, store.StatusFailed, store.StatusTimedOut, store.StatusAborted}

// LogRecord is a log record in REST responses: the record's JSON in
// AWS's CloudWatch Logs form (id, type, details, previous_event_id,
// event_timestamp, execution_arn) with the fields state_machine_arn and
// state_machine (the machine's name) added.
type LogRecord map[string]json.RawMessage

// logRecordList is the answer of GET /v1/log-records.
type logRecordList struct {
	Records    []LogRecord `json:"records"`
	NextCursor string      `json:"nextCursor,omitempty"`
}

// ExpressExecution is an Express execution in REST responses, as its log
// records tell it.
type ExpressExecution struct {
	ARN             string     `json:"arn"`
	Name            string     `json:"name"`
	StateMachine    string     `json:"stateMachine"`
	StateMachineARN string     `json:"stateMachineArn"`
	Status          string     `json:"status"`
	StartedAt       time.Time  `json:"startedAt"`
	StoppedAt       *time.Time `json:"stoppedAt,omitempty"`
	Error           *string    `json:"error,omitempty"`
	Cause           *string    `json:"cause,omitempty"`
}

// expressExecutionList is the answer of GET /v1/express-executions.
type expressExecutionList struct {
	Executions []ExpressExecution `json:"executions"`
	NextCursor string             `json:"nextCursor,omitempty"`
}

// NewLogRecord is r in REST responses.
func NewLogRecord(r *store.LogRecord) LogRecord {
	out := LogRecord{}
	if err := json.Unmarshal([]byte(r.Record), &out); err != nil {
		out = LogRecord{"record": json.RawMessage(r.Record)} // the column is jsonb: an object always
	}
	out["state_machine_arn"], _ = json.Marshal(r.StateMachineARN)
	out["state_machine"], _ = json.Marshal(arn.Name(r.StateMachineARN))
	return out
}

// NewExpressExecution is x in REST responses.
func NewExpressExecution(x *store.ExpressExecution) ExpressExecution {
	out := ExpressExecution{ARN: x.ARN, StateMachineARN: x.StateMachineARN, Status: x.Status,
		StartedAt: x.StartedAt, StoppedAt: x.StoppedAt, Error: x.Error, Cause: x.Cause}
	if a, err := arn.ParseExecution(x.ARN); err == nil {
		out.Name, out.StateMachine = a.Name, a.Machine
	}
	return out
}

// listLogRecords is GET /v1/log-records: the PostgreSQL log sink's
// records newest first, filtered by stateMachine, execution, from and to,
// paged by limit and cursor.
func (a *API) listLogRecords(c echo.Context) error {
	q := engine.LogRecordQuery{StateMachine: c.QueryParam("stateMachine"), Execution: c.QueryParam("execution")}
	var err error
	if q.From, q.To, q.Limit, err = timeRangePage(c); err != nil {
		return err
	}
	cur, err := cursorParam(c, pagetoken.LogRecords)
	if err != nil {
		return err
	}
	if cur != nil {
		q.After = &engine.LogRecordPosition{Time: cur.Time(), ID: cur.ID}
	}
	records, next, err := a.e.ListLogRecords(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := logRecordList{Records: make([]LogRecord, len(records))}
	for i := range records {
		out.Records[i] = NewLogRecord(&records[i])
	}
	if next != nil {
		out.NextCursor = pagetoken.Token{Kind: pagetoken.LogRecords, Micros: next.Time.UnixMicro(), ID: next.ID}.String()
	}
	return c.JSON(http.StatusOK, out)
}

// listExpressExecutions is GET /v1/express-executions: the Express
// executions that log records tell of, newest first, filtered by
// stateMachine, status, from and to (the start time), paged by limit and
// cursor.
func (a *API) listExpressExecutions(c echo.Context) error {
	q := engine.ExpressQuery{StateMachine: c.QueryParam("stateMachine"), Status: c.QueryParam("status")}
	if q.Status != "" && !slices.Contains(ExpressStatuses, q.Status) {
		return apierror.BadParameter("status", "%q is not one of %v", q.Status, ExpressStatuses)
	}
	var err error
	if q.From, q.To, q.Limit, err = timeRangePage(c); err != nil {
		return err
	}
	cur, err := cursorParam(c, pagetoken.ExpressExecutions)
	if err != nil {
		return err
	}
	if cur != nil {
		q.After = &engine.ExpressPosition{StartedAt: cur.Time(), ARN: cur.Name}
	}
	execs, next, err := a.e.ListExpressExecutions(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := expressExecutionList{Executions: make([]ExpressExecution, len(execs))}
	for i := range execs {
		out.Executions[i] = NewExpressExecution(&execs[i])
	}
	if next != nil {
		out.NextCursor = pagetoken.Token{Kind: pagetoken.ExpressExecutions, Micros: next.StartedAt.UnixMicro(), Name: next.ARN}.String()
	}
	return c.JSON(http.StatusOK, out)
}

// timeRangePage reads the from, to and limit parameters.
func timeRangePage(c echo.Context) (from, to time.Time, limit int, err error) {
	if from, err = timeParam(c, "from"); err != nil {
		return
	}
	if to, err = timeParam(c, "to"); err != nil {
		return
	}
	limit, err = LimitParam(c)
	return
}
