package engine

import (
	"fmt"
	"strings"

	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/store"
)

// Configuration AWS clients send with CreateStateMachine and
// UpdateStateMachine and read back from DescribeStateMachine: the IAM
// role, X-Ray tracing and the encryption configuration. Stepwise keeps
// them per revision (AWS keeps them per version) and acts on none: it
// assumes no role, traces nothing with X-Ray and encrypts with no KMS key.

// The types of an encryptionConfiguration (AWS's EncryptionType).
const (
	EncryptionAWSOwnedKey = "AWS_OWNED_KEY"
	EncryptionCustomerKMS = "CUSTOMER_MANAGED_KMS_KEY"
)

// Encryption is AWS's encryptionConfiguration of a state machine.
type Encryption struct {
	// Type is EncryptionAWSOwnedKey or EncryptionCustomerKMS.
	Type string
	// KMSKeyID is required with EncryptionCustomerKMS; empty means none.
	KMSKeyID string
	// KMSDataKeyReusePeriodSeconds is 60 to 900; nil means not given.
	KMSDataKeyReusePeriodSeconds *int
}

// checkConfig applies AWS's rules to the role and encryption of a spec:
// a malformed role is ErrInvalidArn, a malformed encryption
// configuration ErrValidation, with AWS's messages.
func checkConfig(spec MachineSpec) error {
	if spec.RoleARN != nil {
		a, err := arn.Parse(*spec.RoleARN)
		if err != nil {
			return &messageError{ErrInvalidArn, fmt.Sprintf("Invalid Arn: 'Invalid ARN prefix: %s'", *spec.RoleARN)}
		}
		if name, ok := strings.CutPrefix(a.Resource, "role/"); a.Service != "iam" || !ok || name == "" {
			return &messageError{ErrInvalidArn, fmt.Sprintf("Invalid Arn: '%s' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", *spec.RoleARN)}
		}
	}
	return checkEncryption(spec.Encryption)
}

// checkEncryption applies AWS's rules to an encryptionConfiguration (nil:
// none given), with AWS's messages (ErrValidation).
func checkEncryption(c *Encryption) error {
	if c == nil {
		return nil
	}
	switch c.Type {
	case EncryptionAWSOwnedKey:
	case EncryptionCustomerKMS:
		if c.KMSKeyID == "" {
			return validationf("1 validation error detected: Value null at 'encryptionConfiguration.kmsKeyId' failed to satisfy constraint: " +
				"Member must not be null when type is CUSTOMER_MANAGED_KMS_KEY")
		}
	default:
		return validationf("1 validation error detected: Value '%s' at 'encryptionConfiguration.type' failed to satisfy constraint: "+
			"Member must satisfy enum value set: [AWS_OWNED_KEY, CUSTOMER_MANAGED_KMS_KEY]", c.Type)
	}
	if p := c.KMSDataKeyReusePeriodSeconds; p != nil && (*p < 60 || *p > 900) {
		return validationf("1 validation error detected: Value '%d' at 'encryptionConfiguration.kmsDataKeyReusePeriodSeconds' failed to satisfy constraint: "+
			"Member must have value between 60 and 900", *p)
	}
	if len(c.KMSKeyID) > 2048 {
		return validationf("1 validation error detected: Value at 'encryptionConfiguration.kmsKeyId' failed to satisfy constraint: " +
			"Member must have length less than or equal to 2048")
	}
	return nil
}

// config is the configuration of a new revision: the spec's, each part
// the spec leaves nil taken from base (the latest revision's at an
// update, none at creation).
func (spec MachineSpec) config(base store.Config) store.Config {
	c := base
	if spec.RoleARN != nil {
		c.RoleARN = spec.RoleARN
	}
	if spec.Tracing != nil {
		c.TracingEnabled = *spec.Tracing
	}
	if e := spec.Encryption; e != nil {
		e.store(&c)
	}
	return c
}

// store sets the encryption columns of c to e.
func (e *Encryption) store(c *store.Config) {
	c.EncryptionType, c.KMSKeyID, c.KMSDataKeyReusePeriodSeconds = &e.Type, optional(e.KMSKeyID), nil
	if p := e.KMSDataKeyReusePeriodSeconds; p != nil {
		n := int32(*p)
		c.KMSDataKeyReusePeriodSeconds = &n
	}
}

// EncryptionOf is a revision's encryption configuration; a revision
// created without one has AWS_OWNED_KEY, as AWS answers.
func EncryptionOf(c store.Config) Encryption {
	out := Encryption{Type: EncryptionAWSOwnedKey}
	if c.EncryptionType != nil {
		out.Type = *c.EncryptionType
	}
	if c.KMSKeyID != nil {
		out.KMSKeyID = *c.KMSKeyID
	}
	if p := c.KMSDataKeyReusePeriodSeconds; p != nil {
		n := int(*p)
		out.KMSDataKeyReusePeriodSeconds = &n
	}
	return out
}

// RoleOf is the role a revision answers: the one it was given, else a
// placeholder role in the machine's account (an ARN of the machine or of
// anything in its account).
func RoleOf(c store.Config, machineARN string) string {
	if c.RoleARN != nil {
		return *c.RoleARN
	}
	a, _ := arn.Parse(machineARN)
	return arn.Space{Partition: a.Partition, Region: a.Region, Account: a.Account}.Role("stepwise")
}

// SameConfig reports whether a revision has the tracing and encryption a
// CreateStateMachine spec asks for (what the spec leaves nil: none). As
// AWS documents for CreateStateMachine's idempotency, the role is not
// compared: a repeated create with another roleArn answers the machine.
func SameConfig(c store.Config, spec MachineSpec) bool {
	want := spec.config(store.Config{})
	return c.TracingEnabled == want.TracingEnabled && EncryptionOf(c).same(EncryptionOf(want))
}

// same reports whether two encryption configurations are equal.
func (e Encryption) same(o Encryption) bool {
	return e.Type == o.Type && e.KMSKeyID == o.KMSKeyID &&
		(e.KMSDataKeyReusePeriodSeconds == nil) == (o.KMSDataKeyReusePeriodSeconds == nil) &&
		(e.KMSDataKeyReusePeriodSeconds == nil || *e.KMSDataKeyReusePeriodSeconds == *o.KMSDataKeyReusePeriodSeconds)
}
