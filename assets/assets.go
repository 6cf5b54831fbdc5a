// Package assets holds the files Certeval ships inside its binary: the
// application icon, the fonts used in PDF documents, the translation
// catalogues and the sample data used by "certeval demo".
package assets

import "embed"

// FS is every embedded asset, addressed by its path under assets/.
//
//go:embed fonts i18n icon.png sample
var FS embed.FS

// Font returns the embedded TrueType font of the given name
// ("DejaVuSans.ttf" or "DejaVuSans-Bold.ttf"). The DejaVu fonts cover the
// whole of French typography (accents, œ, « », –) and are freely licensed.
func Font(name string) []byte {
	b, err := FS.ReadFile("fonts/" + name)
	if err != nil {
		panic("assets: missing font " + name)
	}
	return b
}

// Icon returns the application icon as PNG bytes.
func Icon() []byte {
	b, err := FS.ReadFile("icon.png")
	if err != nil {
		panic("assets: missing icon")
	}
	return b
}
