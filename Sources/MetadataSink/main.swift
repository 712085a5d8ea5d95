print("metadata-sink")
