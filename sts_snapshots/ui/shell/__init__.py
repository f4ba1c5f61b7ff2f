"""What every page shares: the frame (theme), who is signed in (session), widgets, text helpers and threads."""
