package nilmodel

import (
	"errors"
	"testing"

	"github.com/clvkit/clvkit/clv"
)

type model struct{}

func TestCheck(t *testing.T) {
	var typed *model
	var iface clv.PurchaseModel
	for _, c := range []struct {
		v   any
		nil bool
	}{{nil, true}, {typed, true}, {iface, true}, {&model{}, false}, {model{}, false}, {3, false}} {
		if got := Is(c.v); got != c.nil {
			t.Errorf("Is(%#v) = %v, want %v", c.v, got, c.nil)
		}
	}
	if err := Check("p", "F", &model{}, 1); err != nil {
		t.Errorf("Check of non-nil models: %v", err)
	}
	err := Check("p", "F", &model{}, typed)
	if !errors.Is(err, clv.ErrNilModel) || err.Error() != "p: F: "+clv.ErrNilModel.Error()+" (*nilmodel.model)" {
		t.Errorf("Check with a typed nil: %v", err)
	}
}
