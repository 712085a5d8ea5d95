import CCurl

// Free functions rather than closures: libcurl needs plain C function pointers, and the
// handle travels through the userdata pointer instead of a capture.
// Passed unretained: the transfer loop keeps the handle alive while it is attached.

/// CURLOPT_WRITEFUNCTION: a chunk of response body.
func curlWriteCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    let length = size * count
    guard let userdata else { return 0 }  // returning less than `length` aborts the transfer
    guard let data, length > 0 else { return length }
    let handle = Unmanaged<CurlEasyHandle>.fromOpaque(userdata).takeUnretainedValue()
    handle.receiveBody(UnsafeRawBufferPointer(start: data, count: length))
    return length
}

/// CURLOPT_HEADERFUNCTION: exactly one complete header line (status line and blank line too).
func curlHeaderCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    let length = size * count
    guard let userdata else { return 0 }
    guard let data, length > 0 else { return length }
    let handle = Unmanaged<CurlEasyHandle>.fromOpaque(userdata).takeUnretainedValue()
    handle.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
