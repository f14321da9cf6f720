"""The intake function: the public careers-site API."""
