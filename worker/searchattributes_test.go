package worker

import (
	"testing"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/searchattribute/sadefs"
)

// TestSearchAttributesFitSQLVisibility counts samarbeid's search attributes by type against
// what Temporal's SQL visibility (PostgreSQL, SQLite) pre-allocates per namespace: a
// namespace cannot hold more, and AddSearchAttributes would refuse the lot at start.
func TestSearchAttributesFitSQLVisibility(t *testing.T) {
	// The limits of server 1.32 as issue 12 names them; the server's own table must agree,
	// so an upgrade that changes them is noticed here.
	limits := map[enums.IndexedValueType]int{
		enums.INDEXED_VALUE_TYPE_KEYWORD: 10, enums.INDEXED_VALUE_TYPE_KEYWORD_LIST: 3,
		enums.INDEXED_VALUE_TYPE_BOOL: 3, enums.INDEXED_VALUE_TYPE_DATETIME: 3,
		enums.INDEXED_VALUE_TYPE_INT: 3, enums.INDEXED_VALUE_TYPE_DOUBLE: 3, enums.INDEXED_VALUE_TYPE_TEXT: 3,
	}
	server := map[enums.IndexedValueType]int{}
	for _, typ := range sadefs.GetDBIndexSearchAttributes(nil).GetCustomSearchAttributes() {
		server[typ]++
	}
	for typ, n := range limits {
		if server[typ] != n {
			t.Errorf("server 1.32's SQL visibility pre-allocates %d %s, the limit here says %d", server[typ], typ, n)
		}
	}
	used := map[enums.IndexedValueType][]string{}
	for name, typ := range SearchAttributes() {
		used[typ] = append(used[typ], name)
	}
	for typ, names := range used {
		limit, ok := server[typ]
		if !ok {
			t.Errorf("%v are of type %s, which SQL visibility has no columns for", names, typ)
			continue
		}
		if len(names) > limit {
			t.Errorf("%d %s search attributes %v; SQL visibility holds %d per namespace", len(names), typ, names, limit)
		}
		t.Logf("%s: %d of %d (%v)", typ, len(names), limit, names)
	}
	if len(used[enums.INDEXED_VALUE_TYPE_KEYWORD_LIST]) == 0 {
		t.Error("no KeywordList attribute: the one that says who a case waits on is missing")
	}
}
