package app

func init() { registerArea(1, newCredentialsArea) }

// credentialsArea is the "Référentiels et grilles" area. It shows what the workspace
// holds until the area's own screens replace this file.
type credentialsArea struct {
	*overview
}

// newCredentialsArea builds the area on the open workspace.
func newCredentialsArea(e *env) area {
	o := newOverview(e, "app.area.credentials", "app.area.credentials.about")
	return &credentialsArea{overview: o}
}
