package parcel

// Repack returns the canonical archive of files, as Write lays it out, so
// that tests can build packages Write would never produce.
func Repack(files map[string][]byte) []byte {
	var fs []file
	for name, data := range files {
		fs = append(fs, file{name, data})
	}
	return encodeZip(fs)
}

// Unpack returns the entries of a valid package archive.
func Unpack(data []byte) (map[string][]byte, error) {
	return decodeZip(data)
}
