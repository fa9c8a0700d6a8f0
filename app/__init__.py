"""Running Alliance: settings, wiring helpers, the update processor, the demo."""
