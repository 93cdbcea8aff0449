package engine

// ExpressInserts returns how many inserts have recorded e's
// asynchronous EXPRESS starts.
func ExpressInserts(e *Engine) int64 { return e.expressInserts.Load() }

// ExpressOwner returns the name e holds the leases of its asynchronous
// EXPRESS starts under.
func ExpressOwner(e *Engine) string { return e.owner }
