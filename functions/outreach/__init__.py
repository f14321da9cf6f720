"""The outreach sender: sends due sequence steps once, stops outreach when people apply."""
