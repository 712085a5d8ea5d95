import Testing
@testable import IngestionAPI

/// The one-pass reader of the common answer must read exactly what the general path reads.
@Suite("ManyCustomerMetadataResponse, common shape")
struct ManyCustomerMetadataResponseFastDecodingTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("common answers are read in one pass, as the general path reads them", arguments: [
        #"{"errorCount":0,"results":[{"eventId":"e-1","error":""},{"eventId":"e-2","error":""}]}"#,
        #"{"errorCount":1,"results":[{"eventId":"e-1","error":"FAIL_BAD_PARAMS: ERROR: é"},{"error":"","eventId":null},{}]}"#,
        #" { "results" : [ ] , "errorCount" : -0 } "#,
        #"{"results":[{"eventId":"x","error":null}]}"#,
        #"{"errorCount":99999999999999999999,"results":[]}"#,
    ])
    func commonAnswers(_ text: String) throws {
        let body = Self.bytes(text)
        let general = ManyCustomerMetadataResponse.decodeAnyShape(body)
        if text.contains("99999999999999999999") {
            // An errorCount that fits no Int: left to the general path, which recomputes it.
            #expect(ManyCustomerMetadataResponse.decodeCommonShape(body) == nil)
            #expect(CommonShapeReader.read(body, keepingEventIds: false) == nil)
            #expect(ManyCustomerMetadataResponse.decode(body) == general)
            return
        }
        let fast = try #require(ManyCustomerMetadataResponse.decodeCommonShape(body))
        #expect(fast == general)
        // Without the eventIds (the sink's read): the same path, the same errors.
        let errorsOnly = try #require(CommonShapeReader.read(body, keepingEventIds: false))
        #expect(errorsOnly.errors == general?.results.map(\.error))
        #expect(errorsOnly.eventIds == nil)
    }

    @Test("other answers are left to the general path", arguments: [
        #"{"errorCount":0,"results":[{"eventId":"e\u0031","error":""}]}"#,
        #"{"errorCount":0.0,"results":[]}"#, #"{"errorCount":"1","results":[]}"#,
        #"{"errorCount":0,"results":[],"requestId":"r"}"#, #"{"errorCount":0,"results":[{"eventId":"e","error":"","x":1}]}"#,
        #"{"errorCount":0,"results":[{"eventId":"e","eventId":"f"}]}"#, #"{"results":[],"results":[]}"#,
        #"{"errorCount":0}"#, #"{"errorCount":0,"results":{}}"#, #"[]"#, "", #"{"errorCount":0,"results":[]} x"#,
    ])
    func otherAnswers(_ text: String) {
        let body = Self.bytes(text)
        #expect(ManyCustomerMetadataResponse.decodeCommonShape(body) == nil)
        #expect(CommonShapeReader.read(body, keepingEventIds: false) == nil)
    }

    @Test("20,000 mutations of an answer: the one-pass reader reads one only as the general path does")
    func mutationsNeverDisagree() {
        var mutator = ByteMutator(seed: 0x2E5B0, interesting: Array(#""\{}[],: nul0-.e"#.utf8) + [0x00, 0x09, 0x80, 0xC3, 0xA9, 0xFF])
        let seed = Self.bytes(#"{"errorCount":1,"results":[{"eventId":"e-1","error":""},{"eventId":"e-2","error":"FAIL"},{"error":null}]}"#)
        var read = 0
        for _ in 0..<20_000 {
            let body = mutator.mutate(seed)
            // The errors alone, as the sink reads them, always match the full decode's.
            #expect(ManyCustomerMetadataResponse.decodeErrors(body) == ManyCustomerMetadataResponse.decode(body)?.results.map(\.error))
            guard let fast = ManyCustomerMetadataResponse.decodeCommonShape(body) else { continue }
            read += 1
            #expect(fast == ManyCustomerMetadataResponse.decodeAnyShape(body), "\(String(decoding: body, as: UTF8.self))")
        }
        #expect(read > 100)
    }
}
