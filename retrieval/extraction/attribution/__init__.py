"""Attribution rules: what a cue says (`content`), who says it (`cue_speaker`), where a
statement ends (`statement_ends`), statements an attribution interrupts (`parenthetical`),
noun and adjective cues (`nominal_cues`), and repairs of known misparses (`misparse`)."""
