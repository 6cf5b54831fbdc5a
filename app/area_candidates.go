package app

func init() { registerArea(2, newCandidatesArea) }

// candidatesArea is the "Candidats" area. It shows what the workspace
// holds until the area's own screens replace this file.
type candidatesArea struct {
	*overview
}

// newCandidatesArea builds the area on the open workspace.
func newCandidatesArea(e *env) area {
	o := newOverview(e, "app.area.candidates", "app.area.candidates.about")
	return &candidatesArea{overview: o}
}
