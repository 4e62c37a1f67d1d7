package openrpc

import (
	"testing"
	"time"
)

// The bound of the wait before each redial doubles from BaseDelay to MaxDelay; the wait is
// drawn up to the bound, inclusive.
func TestReconnectOptions_delay(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts *ReconnectOptions
		want []time.Duration
	}{
		{"defaults", nil, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, 1600 * time.Millisecond, 3200 * time.Millisecond, 6400 * time.Millisecond, 10 * time.Second, 10 * time.Second}},
		{"capped", &ReconnectOptions{BaseDelay: time.Second, MaxDelay: 3 * time.Second}, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second}},
		{"max below base", &ReconnectOptions{BaseDelay: time.Second, MaxDelay: time.Millisecond}, []time.Duration{time.Second, time.Second}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts.withDefaults()
			o.jitter = func(n int64) int64 { return n - 1 } // the largest draw: the bound itself
			for i, want := range tt.want {
				if got := o.delay(i + 1); got != want {
					t.Errorf("attempt %d: bound %v, want %v", i+1, got, want)
				}
			}
			o.jitter = func(n int64) int64 { return 0 }
			if got := o.delay(1); got != 0 {
				t.Errorf("smallest draw: %v, want 0", got)
			}
		})
	}
	// A large attempt number does not overflow.
	o := (*ReconnectOptions)(nil).withDefaults()
	o.jitter = func(n int64) int64 { return n - 1 }
	if got := o.delay(1 << 20); got != 10*time.Second {
		t.Errorf("attempt 2^20: %v, want 10s", got)
	}
}
