import Foundation

/// An HTTPS endpoint in front of the emulator, signed by a certificate authority of its own, as
/// a private API endpoint (or a TLS-intercepting proxy) would be: the sink must refuse it until
/// `API_CA_FILE` names that CA.
///
/// The CA and the server certificate (for `127.0.0.1`) are made per run with the `openssl`
/// command, so no key is committed and nothing expires. TLS is terminated by a few lines of
/// python3 (its standard `ssl` module, OpenSSL underneath) that relay the plaintext to the
/// emulator: the sink's real libcurl client does a real handshake and real verification, and
/// the package needs no TLS server library (swift-nio-ssl would add BoringSSL to every cold build).
struct TLSFrontEnd {
    let directory: URL
    /// The CA certificate (PEM), for `API_CA_FILE`.
    let caFile: String
    /// `https://127.0.0.1:<port>`
    let url: String
    let proxy: ChildProcess

    static func start(upstreamPort: Int) async throws -> TLSFrontEnd {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metadata-sink-tls-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        try "subjectAltName = IP:127.0.0.1\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = serverAuth\n"
            .write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try await run(["openssl", "req", "-x509"] + curve + [
            "-keyout", path("ca.key"), "-out", path("ca.pem"), "-days", "2", "-subj", "/CN=metadata-sink test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
        try await run(["openssl", "req"] + curve + [
            "-keyout", path("server.key"), "-out", path("server.csr"), "-subj", "/CN=127.0.0.1",
        ])
        try await run([
            "openssl", "x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
            "-CAcreateserial", "-out", path("server.pem"), "-days", "2", "-extfile", path("server.ext"),
        ])
        try proxyScript.write(toFile: path("tls_proxy.py"), atomically: true, encoding: .utf8)
        let proxy = try ChildProcess(
            "tls-proxy", executable: URL(fileURLWithPath: "/usr/bin/env"),
            arguments: ["python3", path("tls_proxy.py"), path("server.pem"), path("server.key"), String(upstreamPort)])
        let url = try await proxy.firstLine()
        guard url.hasPrefix("https://127.0.0.1:") else { throw StackError("the TLS proxy printed \(url)") }
        return TLSFrontEnd(directory: directory, caFile: path("ca.pem"), url: url, proxy: proxy)
    }

    /// Handshakes the proxy refused, as it logged them (the sink hung up on an untrusted certificate).
    var refusedHandshakes: [String] {
        proxy.snapshot.stderr.filter { $0.contains("handshake refused") }
    }

    func close() async {
        await proxy.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private static func run(_ arguments: [String]) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        guard status == 0 else {
            let detail = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw StackError("\(arguments.joined(separator: " ")) exited \(status): \(detail)")
        }
    }

    /// One thread per connection: handshake, then relay both ways until either side closes.
    /// One thread does both directions, since an SSL object must not be used by two at once.
    private static let proxyScript = #"""
        import select, socket, ssl, sys, threading

        cert, key, upstream_port = sys.argv[1], sys.argv[2], int(sys.argv[3])
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        listener = socket.create_server(("127.0.0.1", 0))
        print(f"https://127.0.0.1:{listener.getsockname()[1]}", flush=True)

        def relay(client):
            try:
                tls = context.wrap_socket(client, server_side=True)
            except (ssl.SSLError, OSError) as error:
                print(f"handshake refused: {error}", file=sys.stderr, flush=True)
                client.close()
                return
            upstream = socket.create_connection(("127.0.0.1", upstream_port))
            try:
                while True:
                    readable, _, _ = select.select([tls, upstream], [], [])
                    if tls in readable:
                        while True:
                            data = tls.recv(65536)
                            if not data:
                                return
                            upstream.sendall(data)
                            if not tls.pending():
                                break
                    if upstream in readable:
                        data = upstream.recv(65536)
                        if not data:
                            return
                        tls.sendall(data)
            except (ssl.SSLError, OSError):
                pass
            finally:
                tls.close()
                upstream.close()

        while True:
            connection, _ = listener.accept()
            threading.Thread(target=relay, args=(connection,), daemon=True).start()
        """#
}
