package itemio_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/itemio"
)

// readerConfig parses an ItemReader definition.
func readerConfig(t testing.TB, def string) *itemio.ReaderConfig {
	t.Helper()
	v, err := asl.DecodeJSON([]byte(def))
	require.NoError(t, err)
	c, err := itemio.ParseReader(v, false)
	require.NoError(t, err)
	return c
}

func fileReader(inputType, extra string) string {
	return `{"Resource": "arn:aws:states:::s3:getObject",
		"ReaderConfig": {"InputType": "` + inputType + `"` + extra + `},
		"Parameters": {"Bucket.$": "$.bucket", "Key.$": "$.key"}}`
}

func params(key string) map[string]any { return map[string]any{"Bucket": "data", "Key": key} }

// readAll reads every item from at on, with the position after each.
func readAll(t testing.TB, store itemio.Store, c *itemio.ReaderConfig, req itemio.Request, at itemio.Position) ([]any, []itemio.Position) {
	t.Helper()
	r, err := itemio.Open(context.Background(), store, c, req, at)
	require.NoError(t, err)
	defer r.Close()
	var items []any
	var positions []itemio.Position
	for {
		item, err := r.Next(context.Background())
		if errors.Is(err, io.EOF) {
			return items, positions
		}
		require.NoError(t, err)
		items = append(items, item)
		positions = append(positions, r.Position())
	}
}

// readChecked reads every item, then checks that a reader opened at each
// position (as after a crash) reads exactly the items after it.
func readChecked(t *testing.T, store itemio.Store, c *itemio.ReaderConfig, req itemio.Request) []any {
	t.Helper()
	items, positions := readAll(t, store, c, req, itemio.Position{})
	for i, pos := range positions {
		rest, _ := readAll(t, store, c, req, pos)
		require.Equal(t, items[i+1:], append([]any{}, rest...), "resumed after item %d at %+v", i+1, pos)
	}
	return items
}

// readErr opens and reads until the first error, which it returns as an
// ASL error.
func readErr(t *testing.T, store itemio.Store, c *itemio.ReaderConfig, req itemio.Request) *asl.Error {
	t.Helper()
	r, err := itemio.Open(context.Background(), store, c, req, itemio.Position{})
	for err == nil {
		_, err = r.Next(context.Background())
	}
	require.NotErrorIs(t, err, io.EOF)
	var e *asl.Error
	require.ErrorAs(t, err, &e)
	return e
}

func TestReadJSON(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	put(t, store, "in/items.json", []byte(` [ {"a": 1, "b": [true, null]} ,2,
		"x", [1.5, "]"], {}
	]
`))
	items := readChecked(t, store, readerConfig(t, fileReader("JSON", "")), itemio.Request{Parameters: params("in/items.json")})
	require.Equal(t, []any{map[string]any{"a": int64(1), "b": []any{true, nil}}, int64(2), "x", []any{1.5, "]"}, map[string]any{}}, items)

	put(t, store, "in/items.json.gz", gzipped(t, `[{"a": 1}, 2, 3]`))
	items = readChecked(t, store, readerConfig(t, fileReader("JSON", "")), itemio.Request{Parameters: params("in/items.json.gz")})
	require.Equal(t, []any{map[string]any{"a": int64(1)}, int64(2), int64(3)}, items)

	put(t, store, "in/empty.json", []byte(`[]`))
	items, _ = readAll(t, store, readerConfig(t, fileReader("JSON", "")), itemio.Request{Parameters: params("in/empty.json")}, itemio.Position{})
	require.Empty(t, items)
}

func TestReadJSONL(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	body := "{\"n\": 1}\n\n  {\"n\": 2}\r\n[3]\n\"four\""
	put(t, store, "in/items.jsonl", []byte(body))
	want := []any{map[string]any{"n": int64(1)}, map[string]any{"n": int64(2)}, []any{int64(3)}, "four"}
	c := readerConfig(t, fileReader("JSONL", ""))
	require.Equal(t, want, readChecked(t, store, c, itemio.Request{Parameters: params("in/items.jsonl")}))

	put(t, store, "in/items.jsonl.gz", gzipped(t, body+"\n"))
	require.Equal(t, want, readChecked(t, store, c, itemio.Request{Parameters: params("in/items.jsonl.gz")}))
}

func TestReadCSV(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	for name, delim := range map[string]string{"COMMA": ",", "PIPE": "|", "SEMICOLON": ";", "SPACE": " ", "TAB": "\t"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rows := []string{
				"id,name,note",
				`1,"Smith, J.","said ""hi"""`,
				"2,multi,\"line one\nline two\"",
				`3,back\\slash,\,\"`,
				"4,short",
				"",
				"5,long,x,extra,fields\r",
				`6,\q,"a\"b"`,
			}
			body := strings.ReplaceAll(strings.Join(rows, "\n"), ",", delim) + "\n"
			key := "csv/" + name + ".csv"
			put(t, store, key, []byte(body))
			c := readerConfig(t, fileReader("CSV", `, "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "`+name+`"`))
			items := readChecked(t, store, c, itemio.Request{Parameters: params(key)})
			d := delim
			require.Equal(t, []any{
				map[string]any{"id": "1", "name": "Smith" + d + " J.", "note": `said "hi"`},
				map[string]any{"id": "2", "name": "multi", "note": "line one\nline two"},
				map[string]any{"id": "3", "name": `back\slash`, "note": d + `"`},
				map[string]any{"id": "4", "name": "short", "note": ""},
				map[string]any{"id": "5", "name": "long", "note": "x"},
				map[string]any{"id": "6", "name": "q", "note": `a"b`},
			}, items)

			given := readerConfig(t, fileReader("CSV", `, "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["x", "y"], "CSVDelimiter": "`+name+`"`))
			items = readChecked(t, store, given, itemio.Request{Parameters: params(key)})
			require.Len(t, items, 7)
			require.Equal(t, map[string]any{"x": "id", "y": "name"}, items[0])
			require.Equal(t, map[string]any{"x": "4", "y": "short"}, items[4])
		})
	}
}

func TestReadCSVCompressed(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	put(t, store, "rows.csv.gz", gzipped(t, "a,b\n1,2\n3,4\n5,6\n"))
	c := readerConfig(t, fileReader("CSV", `, "CSVHeaderLocation": "FIRST_ROW"`))
	require.Equal(t, []any{
		map[string]any{"a": "1", "b": "2"}, map[string]any{"a": "3", "b": "4"}, map[string]any{"a": "5", "b": "6"},
	}, readChecked(t, store, c, itemio.Request{Parameters: params("rows.csv.gz")}))
}

func TestReadManifest(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	_, err := store.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: strPtr("inventory")})
	require.NoError(t, err)
	putIn(t, store, "inventory", "src/cfg/data/one.csv.gz", gzipped(t,
		"\"source\",\"csvDataset/\",\"0\",\"2022-11-16T00:27:19.000Z\"\n\"source\",\"csvDataset/titles.csv\",\"3399671\",\"2022-11-16T00:29:32.000Z\"\n"))
	putIn(t, store, "inventory", "src/cfg/data/two.csv.gz", gzipped(t,
		"\"source\",\"images/a.jpg\",\"27034\",\"2022-11-15T20:02:16.000Z\"\n"))
	putIn(t, store, "inventory", "src/cfg/data/three.csv", []byte(
		"\"source\",\"images/b.jpg\",\"1\",\"2022-11-15T20:02:17.000Z\"\n\"source\",\"images/c.jpg\",\"2\",\"2022-11-15T20:02:18.000Z\"\n"))
	put(t, store, "src/cfg/2022-11-16T00-00Z/manifest.json", []byte(`{
		"sourceBucket": "source",
		"destinationBucket": "arn:aws:s3:::inventory",
		"version": "2016-11-30",
		"creationTimestamp": "1668560400000",
		"fileFormat": "CSV",
		"fileSchema": "Bucket, Key, Size, LastModifiedDate",
		"files": [
			{"key": "src/cfg/data/one.csv.gz", "size": 100, "MD5checksum": "x"},
			{"key": "src/cfg/data/two.csv.gz", "size": 50, "MD5checksum": "y"},
			{"key": "src/cfg/data/three.csv", "size": 120, "MD5checksum": "z"}
		]}`))
	c := readerConfig(t, fileReader("MANIFEST", ""))
	items := readChecked(t, store, c, itemio.Request{Parameters: params("src/cfg/2022-11-16T00-00Z/manifest.json")})
	require.Equal(t, []any{
		map[string]any{"Bucket": "source", "Key": "csvDataset/", "Size": "0", "LastModifiedDate": "2022-11-16T00:27:19.000Z"},
		map[string]any{"Bucket": "source", "Key": "csvDataset/titles.csv", "Size": "3399671", "LastModifiedDate": "2022-11-16T00:29:32.000Z"},
		map[string]any{"Bucket": "source", "Key": "images/a.jpg", "Size": "27034", "LastModifiedDate": "2022-11-15T20:02:16.000Z"},
		map[string]any{"Bucket": "source", "Key": "images/b.jpg", "Size": "1", "LastModifiedDate": "2022-11-15T20:02:17.000Z"},
		map[string]any{"Bucket": "source", "Key": "images/c.jpg", "Size": "2", "LastModifiedDate": "2022-11-15T20:02:18.000Z"},
	}, items)

	put(t, store, "orc/manifest.json", []byte(`{"destinationBucket": "arn:aws:s3:::inventory", "fileFormat": "ORC", "fileSchema": "x", "files": []}`))
	e := readErr(t, store, c, itemio.Request{Parameters: params("orc/manifest.json")})
	require.Equal(t, asl.ErrorItemReaderFailed, e.Name)
	require.Contains(t, e.Cause, "only CSV")
}

func strPtr(s string) *string { return &s }

func putIn(t testing.TB, store *s3.Client, bucket, key string, body []byte) {
	t.Helper()
	_, err := store.PutObject(context.Background(), &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: strings.NewReader(string(body))})
	require.NoError(t, err)
}

func TestReadListObjectsV2(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	const n = 1_050
	for i := range n {
		put(t, store, fmt.Sprintf("logs/%04d.log", i), []byte("x"))
	}
	put(t, store, "logs-other/a", []byte("x"))
	put(t, store, "zz", []byte("x"))
	c := readerConfig(t, `{"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "data", "Prefix": "logs/"}}`)
	req := itemio.Request{Parameters: map[string]any{"Bucket": "data", "Prefix": "logs/"}}
	items, positions := readAll(t, store, c, req, itemio.Position{})
	require.Len(t, items, n)
	first := items[0].(map[string]any)
	require.Equal(t, "logs/0000.log", first["Key"])
	require.Equal(t, int64(1), first["Size"])
	require.Equal(t, "STANDARD", first["StorageClass"])
	require.IsType(t, int64(0), first["LastModified"])
	require.Regexp(t, `^"[0-9a-f]+"$`, first["Etag"])
	require.Equal(t, "logs/1049.log", items[n-1].(map[string]any)["Key"])

	// Resume past the first page.
	rest, _ := readAll(t, store, c, req, positions[1009])
	require.Equal(t, items[1010:], rest)

	// MaxItems, literal and resolved.
	limited := readerConfig(t, `{"Resource": "arn:aws:states:::s3:listObjectsV2", "ReaderConfig": {"MaxItems": 3}, "Parameters": {"Bucket": "data"}}`)
	items, _ = readAll(t, store, limited, itemio.Request{Parameters: map[string]any{"Bucket": "data"}}, itemio.Position{})
	require.Len(t, items, 3)
	items, _ = readAll(t, store, limited, itemio.Request{Parameters: map[string]any{"Bucket": "data"}, MaxItems: 1_001}, itemio.Position{})
	require.Len(t, items, 1_001)
}

func TestReadMaxItemsResumed(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	put(t, store, "n.jsonl", []byte("1\n2\n3\n4\n5\n"))
	c := readerConfig(t, fileReader("JSONL", `, "MaxItems": 4`))
	items := readChecked(t, store, c, itemio.Request{Parameters: params("n.jsonl")})
	require.Equal(t, []any{int64(1), int64(2), int64(3), int64(4)}, items)
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	put(t, store, "object.json", []byte(`{"a": 1}`))
	put(t, store, "broken.json", []byte(`[1, 2, {"a": ]`))
	put(t, store, "trailing.json", []byte(`[1] [2]`))
	put(t, store, "bad.jsonl", []byte("{\"ok\": 1}\n{\"ok\": \n"))
	put(t, store, "open.csv", []byte("a,b\n1,\"never closed\n"))
	put(t, store, "empty.csv", []byte(""))
	put(t, store, "bad.gz", []byte("not gzip"))
	csvFirst := fileReader("CSV", `, "CSVHeaderLocation": "FIRST_ROW"`)
	for _, tc := range []struct {
		def   string
		req   itemio.Request
		cause string
	}{
		{fileReader("JSON", ""), itemio.Request{Parameters: params("object.json")}, "s3://data/object.json is not a JSON array"},
		{fileReader("JSON", ""), itemio.Request{Parameters: params("broken.json")}, "s3://data/broken.json, array element 3 is not valid JSON"},
		{fileReader("JSON", ""), itemio.Request{Parameters: params("trailing.json")}, "more data after its JSON array"},
		{fileReader("JSONL", ""), itemio.Request{Parameters: params("bad.jsonl")}, "s3://data/bad.jsonl, line 2 is not a JSON value"},
		{csvFirst, itemio.Request{Parameters: params("open.csv")}, "s3://data/open.csv, row 2 has a quoted field that is never closed"},
		{csvFirst, itemio.Request{Parameters: params("empty.csv")}, "s3://data/empty.csv has no header row"},
		{fileReader("JSONL", ""), itemio.Request{Parameters: params("bad.gz")}, "is not valid GZIP"},
		{fileReader("JSONL", ""), itemio.Request{Parameters: params("missing.jsonl")}, "reading s3://data/missing.jsonl"},
		{fileReader("JSONL", ""), itemio.Request{Parameters: params("x.jsonl.zst")}, "ZSTD"},
		{fileReader("JSONL", ""), itemio.Request{Parameters: map[string]any{"Bucket": "data"}}, "parameter Key is required"},
		{fileReader("JSONL", ""), itemio.Request{Parameters: map[string]any{"Bucket": 3, "Key": "k"}}, "parameter Bucket must be a non-empty string, not 3"},
	} {
		e := readErr(t, store, readerConfig(t, tc.def), tc.req)
		require.Equal(t, asl.ErrorItemReaderFailed, e.Name, tc.cause)
		require.Contains(t, e.Cause, tc.cause)
	}
}

func TestReadHundredThousandLines(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	put(t, store, "big.jsonl", bigJSONL(100_000))
	r, err := itemio.Open(context.Background(), store, readerConfig(t, fileReader("JSONL", "")), itemio.Request{Parameters: params("big.jsonl")}, itemio.Position{})
	require.NoError(t, err)
	defer r.Close()
	count := 0
	for {
		item, err := r.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		require.Equal(t, int64(count), item.(map[string]any)["id"])
		count++
	}
	require.Equal(t, 100_000, count)
	require.Equal(t, int64(100_000), r.Position().Items)
}

func bigJSONL(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "{\"id\": %d, \"name\": \"item-%d\", \"tags\": [\"a\", \"b\"]}\n", i, i)
	}
	return []byte(b.String())
}

// rangeStore records the Range of each GetObject.
type rangeStore struct {
	itemio.Store
	ranges []string
}

func (s *rangeStore) GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	r := ""
	if in.Range != nil {
		r = *in.Range
	}
	s.ranges = append(s.ranges, r)
	return s.Store.GetObject(ctx, in, opts...)
}

func TestReadResumesFromByteOffset(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	put(t, store, "n.jsonl", []byte("1\n22\n333\n"))
	put(t, store, "h.csv", []byte("a\n1\n22\n"))
	rs := &rangeStore{Store: store}
	c := readerConfig(t, fileReader("JSONL", ""))
	items, _ := readAll(t, rs, c, itemio.Request{Parameters: params("n.jsonl")}, itemio.Position{Items: 1, Offset: 2, Records: 1})
	require.Equal(t, []any{int64(22), int64(333)}, items)
	require.Equal(t, []string{"bytes=2-"}, rs.ranges)

	// A CSV resumed in the middle reads its header row from the start.
	rs.ranges = nil
	c = readerConfig(t, fileReader("CSV", `, "CSVHeaderLocation": "FIRST_ROW"`))
	items, _ = readAll(t, rs, c, itemio.Request{Parameters: params("h.csv")}, itemio.Position{Items: 1, Offset: 4, Records: 2})
	require.Equal(t, []any{map[string]any{"a": "22"}}, items)
	require.Equal(t, []string{"bytes=4-", ""}, rs.ranges)
}

func TestReadVersion(t *testing.T) {
	t.Parallel()
	store := fakeStore(t)
	ctx := context.Background()
	_, err := store.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("data"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	first, err := store.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("v.jsonl"), Body: strings.NewReader("1\n2\n")})
	require.NoError(t, err)
	put(t, store, "v.jsonl", []byte("3\n"))
	c := readerConfig(t, fileReader("JSONL", ""))
	req := itemio.Request{Parameters: map[string]any{"Bucket": "data", "Key": "v.jsonl", "VersionId": aws.ToString(first.VersionId)}}
	require.Equal(t, []any{int64(1), int64(2)}, readChecked(t, store, c, req))
	items, _ := readAll(t, store, c, itemio.Request{Parameters: params("v.jsonl")}, itemio.Position{})
	require.Equal(t, []any{int64(3)}, items)
}
