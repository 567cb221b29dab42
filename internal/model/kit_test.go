package model_test

import (
	"encoding/json"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"io/fs"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/bgbb"
	"github.com/clvkit/clvkit/bgnbd"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/gammagamma"
	"github.com/clvkit/clvkit/ggompertz"
	"github.com/clvkit/clvkit/internal/model"
	"github.com/clvkit/clvkit/paretonbd"
	"github.com/clvkit/clvkit/sbg"
)

// shared are the methods of clv.Fitted, which every model declares itself.
var shared = []string{"FitInfo", "LogCovariance", "LogLikelihood", "MarshalJSON", "ParamIntervals", "Params",
	"SampleParams", "StdErrors", "String", "UnmarshalJSON"}

// kit lists every model of clvkit: its package directory, a nil *Model,
// and its exported methods besides the shared ones. A new user-facing
// method goes on this list; plumbing never does.
var kit = []struct {
	dir   string
	model any
	own   []string
}{
	{"bgnbd", (*bgnbd.Model)(nil), []string{"AppendConditionalExpectedPurchasesAt", "AppendConditionalExpectedPurchasesAtGrouped", "Bootstrap", "ConditionalExpectedPurchases",
		"ConditionalExpectedPurchasesAll", "ConditionalExpectedPurchasesAllGrouped", "ConditionalExpectedPurchasesAt", "ConditionalExpectedPurchasesAtAll", "DiscountedPurchasesAll", "DiscountedPurchasesAllGrouped",
		"ExpectedFrequencyCounts", "ExpectedPurchaseRate", "ExpectedPurchases", "IfAlive", "IfAliveCurve", "NextPurchaseQuantiles", "Outlook", "OutlookRows",
		"ProbabilityAlive", "ProbabilityAliveAfter", "ProbabilityAliveAll", "ProbabilityAliveAt", "ProbabilityAliveHistory",
		"ProbabilityOfPurchaseWithin", "ProbabilityOfPurchases", "ProbabilityOfPurchasesIfAlive", "ProbabilityOfPurchasesUnconditional",
		"Simulate", "SimulatePurchases", "Variant"}},
	{"paretonbd", (*paretonbd.Model)(nil), []string{"Bootstrap", "ConditionalExpectedPurchases", "ConditionalExpectedPurchasesAll",
		"ConditionalExpectedPurchasesAt", "DERT", "ExpectedFrequencyCounts", "ExpectedPurchaseRate", "ExpectedPurchases", "IfAlive", "IfAliveCurve",
		"NextPurchaseQuantiles", "Outlook", "OutlookRows", "ProbabilityAlive", "ProbabilityAliveAfter", "ProbabilityAliveAll",
		"ProbabilityAliveAt", "ProbabilityOfPurchaseWithin", "ProbabilityOfPurchases", "ProbabilityOfPurchasesIfAlive",
		"ProbabilityOfPurchasesUnconditional", "PurchasesIfAliveSeq", "PurchasesSecondMomentIfAlive"}},
	{"ggompertz", (*ggompertz.Model)(nil), []string{"ConditionalExpectedPurchases", "ConditionalExpectedPurchasesAll", "ConditionalExpectedPurchasesAt", "DERT", "DERTAll",
		"ExpectedFrequencyCounts", "ExpectedPurchaseRate", "ExpectedPurchases", "IfAlive", "IfAliveCurve", "NextPurchaseQuantiles", "Outlook", "OutlookRows",
		"ProbabilityAlive", "ProbabilityAliveAfter", "ProbabilityAliveAll", "ProbabilityAliveAt", "ProbabilityOfPurchaseWithin", "ProbabilityOfPurchasesUnconditional"}},
	{"gammagamma", (*gammagamma.Model)(nil), []string{"ConditionalExpectedValue", "ConditionalExpectedValueAll", "ConditionalValueMoments", "PopulationMean"}},
	{"sbg", (*sbg.Model)(nil), []string{"ChurnNext", "DEL", "DERL", "LifetimeValue", "Name", "ProjectSurvivors", "ProjectionError",
		"RetentionRate", "Survival"}},
	{"bgbb", (*bgbb.Model)(nil), []string{"ConditionalExpectedTransactions", "DERT", "ExpectedCounts", "NextTransactionQuantiles",
		"ProbabilityAlive", "ProbabilityOfTransactionWithin", "ProbabilityOfTransactions"}},
}

// TestNoPlumbing: no model's method set holds Base's plumbing. No Model
// embeds a field (nothing is promoted); none has a method of Base's
// beyond the shared accessors (Ready, Intervals, Draws, Marshal), nor the
// former Unmarshal and FixStdErrors, nor a method that takes a function or
// a name and bytes; each has exactly the shared methods and its own.
func TestNoPlumbing(t *testing.T) {
	plumbing := []string{"Unmarshal", "FixStdErrors"}
	bt := reflect.TypeFor[*model.Base[bgnbd.Params]]()
	for i := range bt.NumMethod() {
		if n := bt.Method(i).Name; !slices.Contains(shared, n) {
			plumbing = append(plumbing, n)
		}
	}
	if !slices.Contains(plumbing, "Ready") || !slices.Contains(plumbing, "Marshal") {
		t.Fatalf("Base's plumbing %v: the test no longer sees it", plumbing)
	}
	bytesT := reflect.TypeFor[[]byte]()
	for _, k := range kit {
		mt := reflect.TypeOf(k.model)
		st := mt.Elem()
		for i := range st.NumField() {
			if f := st.Field(i); f.Anonymous {
				t.Errorf("%v embeds %v: its methods would be promoted", st, f.Type)
			}
		}
		var names []string
		for i := range mt.NumMethod() {
			m := mt.Method(i)
			names = append(names, m.Name)
			if slices.Contains(plumbing, m.Name) {
				t.Errorf("%v has the plumbing method %s", mt, m.Name)
			}
			ft := m.Type
			for j := 1; j < ft.NumIn(); j++ { // 0 is the receiver
				if in := ft.In(j); in.Kind() == reflect.Func || in.Kind() == reflect.String && j+1 < ft.NumIn() && ft.In(j+1) == bytesT {
					t.Errorf("%v.%s%v takes plumbing's arguments", mt, m.Name, ft)
				}
			}
		}
		want := slices.Concat(shared, k.own)
		slices.Sort(want)
		if !slices.Equal(names, want) {
			t.Errorf("%v's methods:\n%v\nwant\n%v\n(a new user-facing method goes on the test's list)", mt, names, want)
		}
	}
}

// TestSharedMethodsVisible: go doc shows each shared method of every
// Model, with a doc comment, in the model's own package (nothing is
// promoted out of sight).
func TestSharedMethodsVisible(t *testing.T) {
	for _, k := range kit {
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, "../../"+k.dir, func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		var files []*ast.File
		for _, p := range pkgs {
			for _, f := range p.Files {
				files = append(files, f)
			}
		}
		p, err := doc.NewFromFiles(fset, files, "github.com/clvkit/clvkit/"+k.dir)
		if err != nil {
			t.Fatal(err)
		}
		var typ *doc.Type
		for _, ty := range p.Types {
			if ty.Name == "Model" {
				typ = ty
			}
		}
		if typ == nil {
			t.Fatalf("%s: no Model type", k.dir)
		}
		if !strings.Contains(typ.Doc, "clv.Fitted") {
			t.Errorf("%s.Model's doc does not point to clv.Fitted", k.dir)
		}
		docs := map[string]string{}
		for _, m := range typ.Methods {
			docs[m.Name] = m.Doc
		}
		for _, n := range shared {
			if d, ok := docs[n]; !ok || !strings.HasPrefix(d, n+" ") {
				t.Errorf("%s: go doc shows Model.%s: %v, doc %q", k.dir, n, ok, d)
			}
		}
	}
}

// redecode marshals to and decodes into into, which was built with other
// parameters, and checks it now equals a fresh decoding of the same JSON.
func redecode[P comparable, M clv.Fitted[P]](t *testing.T, into, to M) {
	t.Helper()
	before := into.Params()
	data, err := json.Marshal(to)
	if err != nil {
		t.Fatal(err)
	}
	if err := into.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	if into.Params() == before || into.Params() != to.Params() || into.String() != to.String() {
		t.Fatalf("decoded into a model with %v: %v, want %v", before, into, to)
	}
	// A decoding that fails leaves the model as it was.
	bad := strings.Replace(string(data), `"params":{`, `"params":{"x":1,`, 1)
	bad = strings.Replace(bad, `"model":"`, `"model":"no`, 1)
	if err := into.UnmarshalJSON([]byte(bad)); err == nil || into.Params() != to.Params() || into.String() != to.String() {
		t.Fatalf("bad JSON: err %v, model %v, want %v", err, into, to)
	}
}

// TestUnmarshalRebuilds: decoding into a Model in use replaces all of it:
// its predictions are those of a fresh Model with the decoded parameters,
// bit for bit (a model that kept derived values of its old parameters
// would predict P(alive) 0.708 for a customer where the decoded one says
// 0.464).
func TestUnmarshalRebuilds(t *testing.T) {
	cs := []clv.Customer{{Frequency: 0, T: 30}, {Frequency: 2, Recency: 10, T: 38}, {Frequency: 7, Recency: 35, T: 38, MonetaryValue: 40}}
	same := func(name string, got, want func(c clv.Customer) float64) {
		t.Helper()
		for _, c := range cs {
			if g, w := got(c), want(c); g != w || math.IsNaN(w) {
				t.Errorf("%s, customer %+v: %v after UnmarshalJSON, %v for a fresh model", name, c, g, w)
			}
		}
	}

	// BG/NBD into MBG/NBD, other parameters: the variant's shift and the
	// formulas' copy of the parameters change too.
	old, _ := bgnbd.New(bgnbd.Params{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4})
	fresh, _ := bgnbd.NewVariant(bgnbd.MBGNBD, bgnbd.Params{R: 0.5, Alpha: 9, A: 1.5, B: 0.8})
	redecode[bgnbd.Params](t, old, fresh)
	same("mbgnbd P(alive)", old.ProbabilityAlive, fresh.ProbabilityAlive)
	same("mbgnbd E[X]", func(c clv.Customer) float64 { return old.ConditionalExpectedPurchases(c, 39) },
		func(c clv.Customer) float64 { return fresh.ConditionalExpectedPurchases(c, 39) })
	if old.Variant() != bgnbd.MBGNBD {
		t.Errorf("variant %v after decoding an MBG/NBD", old.Variant())
	}

	// A fitted model (standard errors, covariance, fit info) into one
	// built from parameters.
	sim, _ := bgnbd.Params{R: 0.5, Alpha: 9, A: 1.5, B: 3}.Simulate(rand.NewPCG(1, 2), slices.Repeat([]float64{38}, 2000))
	fitted, err := bgnbd.Fit(sim, bgnbd.FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	given, _ := bgnbd.New(bgnbd.Params{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4})
	redecode[bgnbd.Params](t, given, fitted)
	same("bgnbd P(alive)", given.ProbabilityAlive, fitted.ProbabilityAlive)
	if se, ok := given.StdErrors(); !ok || se != must(fitted.StdErrors()) || given.FitInfo() != fitted.FitInfo() {
		t.Errorf("decoded standard errors %v %v, fit %+v; want %v, %+v", se, ok, given.FitInfo(), must(fitted.StdErrors()), fitted.FitInfo())
	}

	pOld, _ := paretonbd.New(paretonbd.Params{R: 0.55, Alpha: 10.6, S: 0.61, Beta: 11.7})
	pNew, _ := paretonbd.New(paretonbd.Params{R: 2, Alpha: 5, S: 0.2, Beta: 30})
	redecode[paretonbd.Params](t, pOld, pNew)
	same("paretonbd P(alive)", pOld.ProbabilityAlive, pNew.ProbabilityAlive)

	ggOld, _ := ggompertz.New(ggompertz.Params{R: 0.55, Alpha: 10.6, B: 0.02, S: 0.6, Beta: 0.3})
	ggNew, _ := ggompertz.New(ggompertz.Params{R: 2, Alpha: 5, B: 0.5, S: 1, Beta: 10})
	redecode[ggompertz.Params](t, ggOld, ggNew)
	same("ggompertz P(alive)", ggOld.ProbabilityAlive, ggNew.ProbabilityAlive)

	gOld, _ := gammagamma.New(gammagamma.Params{P: 6.25, Q: 3.74, Gamma: 15.44})
	gNew, _ := gammagamma.New(gammagamma.Params{P: 2, Q: 5, Gamma: 40})
	redecode[gammagamma.Params](t, gOld, gNew)
	same("gammagamma E[M]", gOld.ConditionalExpectedValue, gNew.ConditionalExpectedValue)

	// sBG into BdW: the model's kind changes with the parameters.
	sOld, _ := sbg.New(sbg.Params{Alpha: 0.7, Beta: 1.2, C: 1})
	sNew, _ := sbg.New(sbg.Params{Alpha: 1.5, Beta: 3, C: 0.6})
	redecode[sbg.Params](t, sOld, sNew)
	same("sbg S(t)", func(c clv.Customer) float64 { return sOld.Survival(int(c.T)) }, func(c clv.Customer) float64 { return sNew.Survival(int(c.T)) })
	if sOld.Name() != "BdW" {
		t.Errorf("name %s after decoding a BdW model", sOld.Name())
	}

	bOld, _ := bgbb.New(bgbb.Params{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.78})
	bNew, _ := bgbb.New(bgbb.Params{Alpha: 3, Beta: 2, Gamma: 0.3, Delta: 5})
	redecode[bgbb.Params](t, bOld, bNew)
	row := func(m *bgbb.Model) func(c clv.Customer) float64 {
		return func(c clv.Customer) float64 {
			return m.ProbabilityAlive(bgbb.Row{X: int(c.Frequency), Recency: int(c.Recency), N: int(c.T)}, 5)
		}
	}
	same("bgbb P(alive)", row(bOld), row(bNew))
}

func must[P any](p P, ok bool) P {
	if !ok {
		var zero P
		return zero
	}
	return p
}

// TestFromVector: FromVector inverts Vector for every model, and any other
// length gives parameters that Validate rejects (no panic).
func TestFromVector(t *testing.T) {
	check := func(name string, v []float64, back func([]float64) []float64, valid func([]float64) error) {
		t.Helper()
		if got := back(v); !slices.Equal(got, v) {
			t.Errorf("%s: FromVector(%v).Vector() = %v", name, v, got)
		}
		for _, n := range []int{0, 1, len(v) + 1} {
			if err := valid(make([]float64, n)); err == nil {
				t.Errorf("%s: FromVector of length %d is valid", name, n)
			}
		}
	}
	check("bgnbd", []float64{0.2, 4, 0.8, 2.4},
		func(v []float64) []float64 { return bgnbd.Params{}.FromVector(v).Vector() },
		func(v []float64) error { return bgnbd.Params{}.FromVector(v).Validate() })
	check("paretonbd", []float64{0.5, 10, 0.6, 12},
		func(v []float64) []float64 { return paretonbd.Params{}.FromVector(v).Vector() },
		func(v []float64) error { return paretonbd.Params{}.FromVector(v).Validate() })
	check("ggompertz", []float64{0.5, 10, 0.02, 0.6, 0.3},
		func(v []float64) []float64 { return ggompertz.Params{}.FromVector(v).Vector() },
		func(v []float64) error { return ggompertz.Params{}.FromVector(v).Validate() })
	check("gammagamma", []float64{6, 3.7, 15},
		func(v []float64) []float64 { return gammagamma.Params{}.FromVector(v).Vector() },
		func(v []float64) error { return gammagamma.Params{}.FromVector(v).Validate() })
	check("sbg", []float64{0.7, 1.2, 0.5},
		func(v []float64) []float64 { return sbg.Params{}.FromVector(v).Vector() },
		func(v []float64) error { return sbg.Params{}.FromVector(v).Validate() })
	check("bgbb", []float64{1.2, 0.75, 0.66, 2.78},
		func(v []float64) []float64 { return bgbb.Params{}.FromVector(v).Vector() },
		func(v []float64) error { return bgbb.Params{}.FromVector(v).Validate() })
	if p := (sbg.Params{}).FromVector([]float64{0.7, 1.2}); p != (sbg.Params{Alpha: 0.7, Beta: 1.2, C: 1}) {
		t.Errorf("sbg: FromVector(α, β) = %+v, want c = 1", p)
	}
}
