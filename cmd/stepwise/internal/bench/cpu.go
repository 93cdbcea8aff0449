package bench

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stepwise-run/stepwise/internal/procstat"
)

// backendCPU returns the CPU time, in clock ticks (1/100 s), of each
// server process connected to the pool's database, read from /proc; a
// server on another machine reads as none.
func backendCPU(ctx context.Context, pool *pgxpool.Pool) (map[int32]int64, error) {
	pids, err := databaseBackends(ctx, pool)
	if err != nil {
		return nil, err
	}
	out := make(map[int32]int64, len(pids))
	for _, pid := range pids {
		out[pid] = procTicks(pid)
	}
	return out, nil
}

// procTicks is a process's user and system CPU time in clock ticks, or 0
// if it cannot be read.
func procTicks(pid int32) int64 {
	_, fields, ok := procstat.Read(int(pid))
	if !ok {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return utime + stime
}
