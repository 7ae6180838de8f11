"""Wi-Fi radio model: channels, PHY rates, link adaptation, DCF contention and cell capacity."""
