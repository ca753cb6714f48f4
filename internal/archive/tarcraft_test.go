package archive

import (
	"archive/tar"
	"bytes"
	"fmt"
	"testing"
	"time"
)

// ent is one entry of a hand-made stream.
type ent struct {
	name string
	flag byte
	data string
	link string
	mode int64 // 0: 0644
}

func reg(name, data string) ent { return ent{name: name, flag: tar.TypeReg, data: data} }
func dirEnt(name string) ent    { return ent{name: name, flag: tar.TypeDir, mode: 0o755} }
func sym(name, target string) ent {
	return ent{name: name, flag: tar.TypeSymlink, link: target, mode: 0o777}
}

// tarOf writes ents with archive/tar, which does not judge names.
func tarOf(tb testing.TB, ents ...ent) []byte {
	tb.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range ents {
		mode := e.mode
		if mode == 0 {
			mode = 0o644
		}
		hdr := &tar.Header{Name: e.name, Typeflag: e.flag, Linkname: e.link, Mode: mode,
			Size: int64(len(e.data)), ModTime: time.Unix(1_700_000_000, 0)}
		if e.flag != tar.TypeReg {
			hdr.Size = 0
		}
		if e.flag == tar.TypeXGlobalHeader {
			hdr = &tar.Header{Typeflag: e.flag, PAXRecords: map[string]string{"comment": e.name}}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			tb.Fatalf("WriteHeader(%+v): %v", e, err)
		}
		if _, err := tw.Write([]byte(e.data[:hdr.Size])); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// rawHeader returns a USTAR header block built by hand, for entries
// archive/tar would not write.
func rawHeader(name string, flag byte, size int64) []byte {
	b := make([]byte, 512)
	copy(b[0:100], name)
	copy(b[100:108], "0000644\x00")
	copy(b[108:116], "0000000\x00")
	copy(b[116:124], "0000000\x00")
	copy(b[124:136], fmt.Sprintf("%011o\x00", size))
	copy(b[136:148], fmt.Sprintf("%011o\x00", 1_700_000_000))
	b[156] = flag
	copy(b[257:265], "ustar\x0000")
	copy(b[148:156], "        ")
	sum := 0
	for _, c := range b {
		sum += int(c)
	}
	copy(b[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

// padded returns data followed by zeros up to a multiple of 512 bytes.
func padded(data string) []byte {
	b := []byte(data)
	return append(b, make([]byte, (512-len(b)%512)%512)...)
}

// paxRecords encodes PAX records ("len key=value\n", len counting itself).
func paxRecords(kv ...string) string {
	var s string
	for i := 0; i+1 < len(kv); i += 2 {
		rec := " " + kv[i] + "=" + kv[i+1] + "\n"
		n := len(rec) + 1
		for n != len(fmt.Sprint(n))+len(rec) {
			n = len(fmt.Sprint(n)) + len(rec)
		}
		s += fmt.Sprint(n) + rec
	}
	return s
}

// sparseStream is a PAX (GNU 0.1) sparse file of 1 MB logical size holding
// one data byte: archive/tar would expand it to a megabyte of zeros.
func sparseStream() []byte {
	recs := paxRecords("GNU.sparse.numblocks", "1", "GNU.sparse.map", "999999,1", "GNU.sparse.size", "1000000")
	var b []byte
	b = append(b, rawHeader("PaxHeaders/s", tar.TypeXHeader, int64(len(recs)))...)
	b = append(b, padded(recs)...)
	b = append(b, rawHeader("s", tar.TypeReg, 1)...)
	b = append(b, padded("x")...)
	return append(b, make([]byte, 1024)...)
}

// streamOf concatenates a raw header, its padded data and the end marker.
func streamOf(name string, flag byte, data string) []byte {
	b := append(rawHeader(name, flag, int64(len(data))), padded(data)...)
	return append(b, make([]byte, 1024)...)
}
