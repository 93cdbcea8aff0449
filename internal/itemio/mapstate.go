package itemio

import "github.com/stepwise-run/stepwise/asl"

// MapConfig is the object-store part of one Map state; each field is nil
// when the state leaves it out.
type MapConfig struct {
	Reader  *ReaderConfig
	Batcher *BatcherConfig
	Writer  *WriterConfig
}

// ParseMap parses the ItemReader, ItemBatcher and ResultWriter of Map
// state m in its query language; AWS allows them only in a Map whose
// ProcessorConfig.Mode is DISTRIBUTED.
func ParseMap(m *asl.Map) (*MapConfig, error) {
	jsonata := m.QueryLanguage == asl.JSONata
	for _, f := range []struct {
		name string
		raw  any
	}{{"ItemReader", m.ItemReader}, {"ItemBatcher", m.ItemBatcher}, {"ResultWriter", m.ResultWriter}} {
		if f.raw != nil && m.Mode != asl.ModeDistributed {
			return nil, &FieldError{Field: f.name, Message: "is only allowed in a Map state whose ProcessorConfig.Mode is DISTRIBUTED"}
		}
	}
	c := &MapConfig{}
	var err error
	if m.ItemReader != nil {
		if c.Reader, err = ParseReader(m.ItemReader, jsonata); err != nil {
			return nil, err
		}
	}
	if m.ItemBatcher != nil {
		if c.Batcher, err = ParseBatcher(m.ItemBatcher, jsonata); err != nil {
			return nil, err
		}
	}
	if m.ResultWriter != nil {
		if c.Writer, err = ParseWriter(m.ResultWriter, jsonata); err != nil {
			return nil, err
		}
	}
	return c, nil
}
