# Models arrive with their feature; see DESIGN.md.
