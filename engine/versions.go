package engine

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stepwise-run/stepwise/store"
)

// Published versions, as AWS defines them. Every CreateStateMachine and
// UpdateStateMachine stores a revision (a store.Version, numbered
// internally); PublishVersion makes the machine's current revision a
// version, numbered 1, 2, 3... per machine and never reused. A version's
// ARN is the machine's with ":N" appended, and starts through it run its
// revision.

// maxDescription is the longest version or alias description AWS takes.
const maxDescription = 256

// RevisionID is the revisionId AWS clients see for a revision of the
// machine machineID: as on AWS, an opaque identifier (UUID-shaped, a
// hash of the two numbers), never the same for two revisions, nor for a
// machine deleted and created again under its name.
func RevisionID(machineID int64, revision int) string {
	sum := sha256.Sum256([]byte("stepwise revision " + strconv.FormatInt(machineID, 10) + " " + strconv.Itoa(revision)))
	return uuidText(sum[:16])
}

// DefaultMaxPublishedVersions is AWS's quota of versions per state
// machine, Config.MaxPublishedVersions's default.
const DefaultMaxPublishedVersions = 1000

// initialRevision is the revisionId AWS documents for the revision a
// state machine was created with.
const initialRevision = "INITIAL"

// QualifiedARN is the ARN of a version or an alias of the machine
// machineARN: the machine's ARN, a colon and the qualifier.
func QualifiedARN(machineARN string, qualifier any) string {
	return fmt.Sprintf("%s:%v", machineARN, qualifier)
}

// PublishVersion publishes the current revision of a machine (by name or
// ARN) as its next version, with an optional description of at most 256
// characters. A revisionID other than "" must name the current revision
// (RevisionID, or "INITIAL" for the first), else it is ErrConflict. As on
// AWS, a revision already published is not published again: its newest
// version is returned, with created false. A machine that has
// Config.MaxPublishedVersions versions (deleted ones not counted) gets no
// more: ErrServiceQuotaExceeded.
func (e *Engine) PublishVersion(ctx context.Context, machine, revisionID string, description *string) (sm *store.StateMachine, v *store.PublishedVersion, created bool, err error) {
	if err := checkDescription(description); err != nil {
		return nil, nil, false, err
	}
	if sm, err = e.StateMachine(ctx, machine); err != nil {
		return nil, nil, false, err
	}
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		return nil, nil, false, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	if sm, err = store.LockStateMachine(ctx, tx, sm.ID); err != nil {
		return nil, nil, false, fmt.Errorf("%w: %s", ErrStateMachineDoesNotExist, machine)
	}
	if !currentRevision(revisionID, sm) {
		return nil, nil, false, fmt.Errorf("%w: revisionId '%s' is not the current revision of %s ('%s')",
			ErrConflict, revisionID, sm.ARN, RevisionID(sm.ID, sm.LatestVersion))
	}
	v, err = store.PublishedVersionOfRevision(ctx, tx, sm.ID, sm.LatestVersion)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return sm, v, false, err
	}
	if err := e.checkVersionQuota(ctx, tx, sm); err != nil {
		return nil, nil, false, err
	}
	if v, err = store.PublishVersion(ctx, tx, sm.ID, sm.LatestVersion, description); err != nil {
		return nil, nil, false, err
	}
	return sm, v, true, tx.Commit(ctx)
}

// currentRevision reports whether revisionID names the current revision
// of sm: "" names any, "INITIAL" the first.
func currentRevision(revisionID string, sm *store.StateMachine) bool {
	return revisionID == "" || revisionID == RevisionID(sm.ID, sm.LatestVersion) || revisionID == initialRevision && sm.LatestVersion == 1
}

// checkVersionQuota refuses a version more to a machine that has
// Config.MaxPublishedVersions; q holds the machine's lock.
func (e *Engine) checkVersionQuota(ctx context.Context, q store.Querier, sm *store.StateMachine) error {
	n, err := store.CountPublishedVersions(ctx, q, sm.ID)
	if err != nil {
		return err
	}
	if n >= e.cfg.MaxPublishedVersions {
		return &messageError{kind: ErrServiceQuotaExceeded, message: fmt.Sprintf(
			"%s has %d versions, the most a state machine may have: delete unused versions with DeleteStateMachineVersion", sm.ARN, n)}
	}
	return nil
}

// checkDescription refuses a description longer than AWS takes.
func checkDescription(description *string) error {
	if description != nil && utf8.RuneCountInString(*description) > maxDescription {
		return validationf("1 validation error detected: Value at 'description' failed to satisfy constraint: "+
			"Member must have length less than or equal to %d", maxDescription)
	}
	return nil
}

// VersionDescription is a published version with the revision it
// publishes.
type VersionDescription struct {
	StateMachine *store.StateMachine
	Version      *store.PublishedVersion
	// Revision is the definition the version runs.
	Revision *store.Version
}

// ARN is the version's ARN.
func (d *VersionDescription) ARN() string { return QualifiedARN(d.StateMachine.ARN, d.Version.Version) }

// DescribeVersion reads version v of a machine (by name or ARN) with its
// revision; a missing version is ErrVersionDoesNotExist.
func (e *Engine) DescribeVersion(ctx context.Context, machine string, v int) (*VersionDescription, error) {
	sm, err := e.StateMachine(ctx, machine)
	if err != nil {
		return nil, err
	}
	pv, err := e.publishedVersion(ctx, sm, v)
	if err != nil {
		return nil, err
	}
	rev, err := store.GetVersion(ctx, e.pool, sm.ID, pv.Revision)
	if err != nil {
		return nil, err
	}
	return &VersionDescription{StateMachine: sm, Version: pv, Revision: rev}, nil
}

// publishedVersion reads version v of sm; ErrVersionDoesNotExist when
// there is none.
func (e *Engine) publishedVersion(ctx context.Context, sm *store.StateMachine, v int) (*store.PublishedVersion, error) {
	pv, err := store.GetPublishedVersion(ctx, e.pool, sm.ID, v)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: '%s'", ErrVersionDoesNotExist, QualifiedARN(sm.ARN, v))
	}
	return pv, err
}

// ListPublishedVersions returns up to limit versions of a machine (by
// name or ARN) numbered below before (0: from the newest), newest first.
func (e *Engine) ListPublishedVersions(ctx context.Context, machine string, before, limit int) (*store.StateMachine, []*store.PublishedVersion, error) {
	sm, err := e.StateMachine(ctx, machine)
	if err != nil {
		return nil, nil, err
	}
	if before <= 0 {
		before = sm.LastPublished + 1
	}
	versions, err := store.ListPublishedVersions(ctx, e.pool, sm.ID, before, limit)
	return sm, versions, err
}

// DeletePublishedVersion deletes version v of a machine (by name or
// ARN); executions running it keep running. While an alias routes to it
// the deletion is ErrConflict; a version that does not exist is
// ErrVersionDoesNotExist.
func (e *Engine) DeletePublishedVersion(ctx context.Context, machine string, v int) error {
	sm, err := e.StateMachine(ctx, machine)
	if err != nil {
		return err
	}
	err = store.DeletePublishedVersion(ctx, e.pool, sm.ID, v)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w: '%s'", ErrVersionDoesNotExist, QualifiedARN(sm.ARN, v))
	case store.IsForeignKeyViolation(err):
		aliases, err := store.AliasesRoutingTo(ctx, e.pool, sm.ID, v)
		if err != nil {
			return err
		}
		return fmt.Errorf("%w: version '%s' cannot be deleted while aliases route to it: %s",
			ErrConflict, QualifiedARN(sm.ARN, v), strings.Join(aliases, ", "))
	}
	return err
}
