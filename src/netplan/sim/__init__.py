"""School-day simulation: devices, associations, flows and fair sharing from AP to ISP."""
