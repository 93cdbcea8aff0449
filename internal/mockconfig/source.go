package mockconfig

import "sync/atomic"

// Source is the mock configuration a process serves, loaded from a file
// and reloaded on request. A nil *Source serves none.
type Source struct {
	path string
	cur  atomic.Pointer[Config]
}

// NewSource loads the configuration at path; a malformed file is an error.
func NewSource(path string) (*Source, error) {
	s := &Source{path: path}
	if err := s.Reload(); err != nil {
		return nil, err
	}
	return s, nil
}

// Static serves c, which never changes; Reload keeps it.
func Static(c *Config) *Source {
	s := &Source{}
	s.cur.Store(c)
	return s
}

// Set serves c from now on, in place of the configuration in use (a
// file source's next Reload replaces it again). Programs that build their
// configuration, such as stepwise test --durable, give it to a running
// engine this way.
func (s *Source) Set(c *Config) {
	s.cur.Store(c)
}

// Path is the file the configuration is read from; empty for Static.
func (s *Source) Path() string {
	if s == nil {
		return ""
	}
	return s.path
}

// Reload reads the file again. When it is malformed the configuration in
// use stays and the error says why.
func (s *Source) Reload() error {
	if s == nil || s.path == "" {
		return nil
	}
	c, err := Load(s.path)
	if err != nil {
		return err
	}
	s.cur.Store(c)
	return nil
}

// Current is the configuration in use; nil when s is nil.
func (s *Source) Current() *Config {
	if s == nil {
		return nil
	}
	return s.cur.Load()
}
