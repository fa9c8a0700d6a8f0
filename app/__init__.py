"""Running Alliance: settings, wiring helpers, the work engines, the demo."""
