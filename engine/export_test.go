package engine

// ExpressInserts returns how many inserts have recorded e's
// asynchronous EXPRESS starts.
func ExpressInserts(e *Engine) int64 { return e.expressInserts.Load() }
