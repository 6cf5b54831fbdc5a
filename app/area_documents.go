package app

func init() { registerArea(5, newDocumentsArea) }

// documentsArea is the "Documents" area. It shows what the workspace
// holds until the area's own screens replace this file.
type documentsArea struct {
	*overview
}

// newDocumentsArea builds the area on the open workspace.
func newDocumentsArea(e *env) area {
	o := newOverview(e, "app.area.documents", "app.area.documents.about")
	return &documentsArea{overview: o}
}
