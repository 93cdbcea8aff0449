// Package itemio is the object-store half of a Distributed Map: it reads
// a Map's items from an S3-compatible store (ItemReader), groups them
// into batches (ItemBatcher) and writes the children's results back
// (ResultWriter), in the formats AWS Step Functions reads and writes. The
// engine evaluates JSONPath and JSONata and passes resolved values in;
// this package does the I/O and knows the formats, nothing else.
//
// An item's way through it, file by file:
//
//   - config.go: ParseReader, ParseBatcher and ParseWriter turn a Map
//     state's raw ItemReader, ItemBatcher and ResultWriter objects into
//     typed configs, with a FieldError naming the field at fault;
//     mapstate.go's ParseMap does all three for an asl.Map.
//   - store.go: NewStore makes the S3 client (AWS SDK for Go v2) from the
//     operator's StoreConfig; Store is the three calls used.
//   - reader.go: Open starts a Reader at a Position; Next yields items one
//     at a time, Position says where to resume after a crash.
//   - object.go: opening an object from an offset, GZIP, resumption.
//   - jsonarray.go, jsonl.go, csv.go, inventory.go, listing.go: the
//     InputTypes JSON, JSONL, CSV and MANIFEST and s3:listObjectsV2.
//   - batcher.go: a Batcher groups items into {"BatchInput", "Items"}.
//   - results.go: a Writer exports child results (manifest.json,
//     SUCCEEDED_n.json, FAILED_n.json, PENDING_n.json); a Collector
//     builds the state output when they are not exported.
//
// Errors of the data or the store are *asl.Error values with AWS's names:
// States.ItemReaderFailed, States.ResultWriterFailed,
// States.DataLimitExceeded. Memory stays bounded by one item (or one
// listing page of 1,000 keys) on the way in and by a write buffer on the
// way out, whatever the size of the data set.
package itemio
