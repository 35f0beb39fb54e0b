package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// root is the repository root, two levels above this package.
const root = "../.."

// owners maps a table-name prefix to the package directory that owns those tables.
var owners = map[string]string{
	"mail_":       "internal/platform/mail",
	"account_":    "internal/account",
	"catalog_":    "internal/catalog",
	"inventory_":  "internal/inventory",
	"pricing_":    "internal/pricing",
	"landedcost_": "internal/landedcost",
	"cart_":       "internal/cart",
	"checkout_":   "internal/checkout",
	"returns_":    "internal/returns",
}

// tables reads every table the migrations create.
func tables(t *testing.T) []string {
	t.Helper()
	re := regexp.MustCompile(`(?i)CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)`)
	files, err := filepath.Glob(filepath.Join(root, "migrations", "*.up.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			out = append(out, strings.ToLower(m[1]))
		}
	}
	return out
}

func ownerOf(table string) (string, bool) {
	for prefix, dir := range owners {
		if strings.HasPrefix(table, prefix) {
			return dir, true
		}
	}
	return "", false
}

func TestEveryTableHasAnOwningModule(t *testing.T) {
	for _, table := range tables(t) {
		if _, ok := ownerOf(table); !ok {
			t.Errorf("table %s has no owning module: name it with a module prefix (%v)", table, prefixes())
		}
	}
}

func prefixes() []string {
	var p []string
	for k := range owners {
		p = append(p, k)
	}
	sort.Strings(p)
	return p
}

// TestModulesTouchOnlyTheirOwnTables scans every string literal in non-test Go code under internal/ for SQL
// naming a table, and fails when the table belongs to another module.
func TestModulesTouchOnlyTheirOwnTables(t *testing.T) {
	known := map[string]bool{}
	for _, tb := range tables(t) {
		known[tb] = true
	}
	ident := regexp.MustCompile(`[a-z_][a-z0-9_]*`)
	sqlWords := regexp.MustCompile(`(?i)\b(SELECT|INSERT|UPDATE|DELETE|FROM|JOIN|INTO|TABLE)\b`)
	checked := 0
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		dir := filepath.ToSlash(filepath.Dir(rel))
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !sqlWords.MatchString(s) {
				return true
			}
			for _, word := range ident.FindAllString(s, -1) {
				if !known[word] {
					continue
				}
				checked++
				owner, _ := ownerOf(word)
				if dir != owner && !strings.HasPrefix(dir, owner+"/") {
					t.Errorf("%s uses table %s, which belongs to %s: call that module's service instead", rel, word, owner)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("no SQL found: the scan is broken")
	}
}

// layer gives each module its place in the dependency order; a module may import only modules of a lower
// layer (and platform packages, layer 0).
var layer = map[string]int{
	"internal/platform":   0,
	"internal/intl":       1,
	"internal/account":    2,
	"internal/catalog":    2,
	"internal/inventory":  2,
	"internal/pricing":    2,
	"internal/landedcost": 2,
	"internal/cart":       3,
	"internal/checkout":   4,
	"internal/returns":    5,
	"internal/site":       9, // composition: may import any module, nothing imports it but cmd
}

func moduleOf(dir string) (string, bool) {
	best := ""
	for m := range layer {
		if (dir == m || strings.HasPrefix(dir, m+"/")) && len(m) > len(best) {
			best = m
		}
	}
	return best, best != ""
}

// TestModuleDependenciesFollowTheLayers checks every import between modules.
func TestModuleDependenciesFollowTheLayers(t *testing.T) {
	const modulePath = "storefront/"
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		from, ok := moduleOf(filepath.ToSlash(filepath.Dir(rel)))
		if !ok {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !strings.HasPrefix(p, modulePath+"internal/") {
				continue
			}
			to, ok := moduleOf(strings.TrimPrefix(p, modulePath))
			if !ok || to == from {
				continue
			}
			if layer[to] >= layer[from] {
				t.Errorf("%s imports %s: %s (layer %d) may only depend on lower layers; declare an interface and let cmd wire it",
					rel, p, from, layer[from])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTemplatesHaveNoElseInAttributeLists: templ has no else in an element's attribute list; written there,
// "else" is emitted as a literal attribute. Two conditions that exclude each other are the way.
func TestTemplatesHaveNoElseInAttributeLists(t *testing.T) {
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(path, "_templ.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), `" else")`) || strings.Contains(string(b), `" else ")`) {
			t.Errorf("%s writes a literal else attribute: fix the if/else inside an attribute list in its .templ", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
