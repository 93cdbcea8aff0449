package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/store"
)

// seeded is a random source with a fixed seed, safe for concurrent use.
func seeded(seed uint64) func() float64 {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, seed))
	return func() float64 {
		mu.Lock()
		defer mu.Unlock()
		return r.Float64()
	}
}

// passOf is a one-state machine whose output is result.
func passOf(result string) string {
	return `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"` + result + `","End":true}}}`
}

// twoVersions creates a machine publishing versions 1 (output "a") and 2
// (output "b").
func twoVersions(t *testing.T, e *engine.Engine, name string) *store.StateMachine {
	t.Helper()
	ctx := context.Background()
	sm, _, err := e.CreateStateMachine(ctx, name, engine.MachineSpec{Definition: passOf("a")})
	require.NoError(t, err)
	_, v, created, err := e.PublishVersion(ctx, name, "INITIAL", nil)
	require.NoError(t, err)
	require.True(t, created)
	require.Equal(t, 1, v.Version)
	_, err = e.UpdateStateMachine(ctx, name, engine.MachineSpec{Definition: passOf("b")})
	require.NoError(t, err)
	_, v, _, err = e.PublishVersion(ctx, name, engine.RevisionID(sm.ID, 2), nil)
	require.NoError(t, err)
	require.Equal(t, 2, v.Version)
	require.Equal(t, 2, v.Revision)
	return sm
}

// aliased starts an engine routing with seed, with a machine of two
// versions (see twoVersions) and an alias "prod" routing to them by
// weight.
func aliased(t *testing.T, seed uint64, weight1, weight2 int) (*engine.Engine, *store.StateMachine, string) {
	t.Helper()
	e := testengine.Start(t, testkit.NewPool(t), &engine.Config{RoutingRandom: seeded(seed)})
	sm := twoVersions(t, e, "routed")
	_, alias, _, err := e.CreateAlias(context.Background(), sm.Name, engine.AliasSpec{Name: "prod",
		Routes: []store.Route{{Version: 1, Weight: weight1}, {Version: 2, Weight: weight2}}})
	require.NoError(t, err)
	return e, sm, engine.AliasARN(sm, alias)
}

// TestAliasRoutingStatistics starts 1,000 executions through an alias
// routing 70/30 with a fixed seed: each version's share is within 4
// points of its weight (over four standard deviations).
func TestAliasRoutingStatistics(t *testing.T) {
	t.Parallel()
	e, sm, aliasARN := aliased(t, 1, 70, 30)
	ctx := context.Background()

	const starts = 1000
	var mu sync.Mutex
	counts := map[string]int{}
	var g errgroup.Group
	g.SetLimit(8)
	for i := range starts {
		g.Go(func() error {
			exec, _, err := e.StartExecution(ctx, engine.StartInput{StateMachine: aliasARN, Name: fmt.Sprintf("e%d", i)})
			if err != nil {
				return err
			}
			if *exec.AliasARN != aliasARN {
				return fmt.Errorf("alias ARN %s", *exec.AliasARN)
			}
			mu.Lock()
			defer mu.Unlock()
			counts[*exec.VersionARN]++
			return nil
		})
	}
	require.NoError(t, g.Wait())
	first, second := counts[engine.QualifiedARN(sm.ARN, 1)], counts[engine.QualifiedARN(sm.ARN, 2)]
	require.Equal(t, starts, first+second)
	require.InDelta(t, 700, first, 40, "version 1 weighs 70")
	require.InDelta(t, 300, second, 40, "version 2 weighs 30")
}

func TestAliasWeightZero(t *testing.T) {
	t.Parallel()
	e, sm, aliasARN := aliased(t, 2, 0, 100)
	ctx := context.Background()
	for i := range 50 {
		exec, _, err := e.StartExecution(ctx, engine.StartInput{StateMachine: aliasARN, Name: fmt.Sprintf("e%d", i)})
		require.NoError(t, err)
		require.Equal(t, engine.QualifiedARN(sm.ARN, 2), *exec.VersionARN, "a version of weight 0 is never run")
		require.Equal(t, 2, exec.Version, "the revision of version 2")
	}
}

func TestPublishVersionRules(t *testing.T) {
	t.Parallel()
	e := testengine.Start(t, testkit.NewPool(t), nil)
	ctx := context.Background()
	sm := twoVersions(t, e, "rules")
	_, v, created, err := e.PublishVersion(ctx, sm.Name, "", nil)
	require.NoError(t, err)
	require.False(t, created, "the current revision is published already")
	require.Equal(t, 2, v.Version)
	_, _, _, err = e.PublishVersion(ctx, sm.Name, "INITIAL", nil)
	require.ErrorIs(t, err, engine.ErrConflict, "INITIAL is only the first revision")

	_, _, _, err = e.CreateAlias(ctx, sm.Name, engine.AliasSpec{Name: "live", Routes: []store.Route{{Version: 1, Weight: 100}}})
	require.NoError(t, err)
	require.ErrorIs(t, e.DeletePublishedVersion(ctx, sm.Name, 1), engine.ErrConflict)
	require.ErrorIs(t, e.DeletePublishedVersion(ctx, sm.Name, 7), engine.ErrVersionDoesNotExist)
	require.NoError(t, e.DeleteStateMachine(ctx, sm.Name, false), "a machine is deleted with its versions and aliases")
	_, _, err = e.Alias(ctx, sm.Name, "live")
	require.ErrorIs(t, err, engine.ErrStateMachineDoesNotExist)
}

// TestRevisionIDs checks that revisionIds are opaque, as AWS's: none is a
// revision number, each revision and each machine of a name has its own,
// and only the current revision's publishes.
func TestRevisionIDs(t *testing.T) {
	t.Parallel()
	e := testengine.Start(t, testkit.NewPool(t), nil)
	ctx := context.Background()
	sm := twoVersions(t, e, "revisions")
	first, second := engine.RevisionID(sm.ID, 1), engine.RevisionID(sm.ID, 2)
	require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, first)
	require.NotEqual(t, first, second)
	require.Equal(t, second, engine.RevisionID(sm.ID, 2), "the same revision keeps its revisionId")
	for _, stale := range []string{first, "2", "1"} {
		_, _, _, err := e.PublishVersion(ctx, sm.Name, stale, nil)
		require.ErrorIs(t, err, engine.ErrConflict, stale)
	}
	_, v, _, err := e.PublishVersion(ctx, sm.Name, second, nil)
	require.NoError(t, err)
	require.Equal(t, 2, v.Version)

	require.NoError(t, e.DeleteStateMachine(ctx, sm.Name, false))
	again := twoVersions(t, e, "revisions")
	require.NotEqual(t, second, engine.RevisionID(again.ID, 2), "a machine created again under the name has other revisionIds")
}

// TestPublishedVersionQuota publishes up to Config.MaxPublishedVersions
// (lowered from AWS's 1,000 for the test): one more is
// ErrServiceQuotaExceeded until a version is deleted, and publishing a
// revision published already still answers its version.
func TestPublishedVersionQuota(t *testing.T) {
	t.Parallel()
	e := testengine.Start(t, testkit.NewPool(t), &engine.Config{MaxPublishedVersions: 3})
	ctx := context.Background()
	_, _, err := e.CreateStateMachine(ctx, "quota", engine.MachineSpec{Definition: passOf("0")})
	require.NoError(t, err)
	publish := func(result string) error {
		_, err := e.UpdateStateMachine(ctx, "quota", engine.MachineSpec{Definition: passOf(result)})
		require.NoError(t, err)
		_, _, _, err = e.PublishVersion(ctx, "quota", "", nil)
		return err
	}
	for i := 1; i <= 3; i++ {
		require.NoError(t, publish(fmt.Sprint(i)))
	}
	require.ErrorIs(t, publish("4"), engine.ErrServiceQuotaExceeded)
	_, v, created, err := e.PublishVersion(ctx, "quota", "", nil)
	require.ErrorIs(t, err, engine.ErrServiceQuotaExceeded, "revision 5 is not published: %v %v", v, created)
	require.NoError(t, e.DeletePublishedVersion(ctx, "quota", 1))
	_, v, created, err = e.PublishVersion(ctx, "quota", "", nil)
	require.NoError(t, err)
	require.True(t, created)
	require.Equal(t, 4, v.Version, "version numbers are never used twice")
	_, v, created, err = e.PublishVersion(ctx, "quota", "", nil)
	require.NoError(t, err)
	require.False(t, created, "a published revision answers its version at the quota")
	require.Equal(t, 4, v.Version)
}
