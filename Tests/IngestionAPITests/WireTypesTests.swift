import Testing
import IngestionAPI

@Suite("Wire types")
struct WireTypesTests {
    @Test("request body wraps item bytes without touching them")
    func requestBody() {
        let items: [[UInt8]] = [Array(#"{"a": 1}"#.utf8), Array(#"{"b":"é"}"#.utf8), Array("{ }".utf8)]
        let body = ManyCustomerMetadataRequest.body(items: items)
        #expect(String(decoding: body, as: UTF8.self) == #"{"items":[{"a": 1},{"b":"é"},{ }]}"#)
        #expect(body.count == ManyCustomerMetadataRequest.bodySize(itemByteCounts: items.map(\.count)))
        #expect(ManyCustomerMetadataRequest.body(items: []) == Array(#"{"items":[]}"#.utf8))
        #expect(ManyCustomerMetadataRequest.bodySize(itemByteCounts: []) == 12)
        let single = ManyCustomerMetadataRequest.body(items: [Array("{}".utf8)])
        #expect(String(decoding: single, as: UTF8.self) == #"{"items":[{}]}"#)
    }

    /// Item bytes that may differ from the count the item states.
    private struct MisstatedItem: SerializedItem {
        let bytes: [UInt8]
        let serializedByteCount: Int
        func withSerializedBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
            try bytes.withUnsafeBufferPointer(body)
        }
    }

    @Test("request body of items stating a wrong size is still exactly their bytes", arguments: [-3, -1, 0, 1, 5])
    func requestBodyOfMisstatedItems(error: Int) {
        let items = [Array(#"{"a":1}"#.utf8), Array("{}".utf8), Array(#"{"b":[2,3]}"#.utf8)].map {
            MisstatedItem(bytes: $0, serializedByteCount: $0.count)
        }
        var misstated = items
        misstated[1] = MisstatedItem(bytes: items[1].bytes, serializedByteCount: items[1].bytes.count + error)
        let expected = Array(#"{"items":[{"a":1},{},{"b":[2,3]}]}"#.utf8)
        #expect(ManyCustomerMetadataRequest.body(of: items) == expected)
        #expect(ManyCustomerMetadataRequest.body(of: misstated) == expected)
        #expect(ManyCustomerMetadataRequest.body(of: misstated[1...]) == Array(#"{"items":[{},{"b":[2,3]}]}"#.utf8))
        #expect(ManyCustomerMetadataRequest.body(of: [MisstatedItem]()) == Array(#"{"items":[]}"#.utf8))
    }

    @Test("request body from the typed model parses back")
    func requestFromModel() throws {
        let item = CustomerMetadata(
            externalConversationId: "c-1", externalCustomerId: "d@e.f", eventId: "e-1",
            attributes: [.init(name: "n", value: "v")]
        )
        let body = ManyCustomerMetadataRequest.body(items: [item.serialized()])
        let parsed = try JSONParser.parse(body)
        #expect(parsed["items"]?.arrayValue?.first.flatMap(CustomerMetadata.init(jsonValue:)) == item)
    }

    @Test("many response decodes per-item results")
    func manyResponse() throws {
        let body = Array("""
        {"errorCount":1,"results":[
          {"eventId":"5484e507-feaf-11ec-bfc1-fda566fa9333","error":"FAIL_BAD_PARAMS: ERROR: agent id cannot be blank"},
          {"eventId":"fcf99667-feaf-11ec-a42e-11799134528c","error":""}
        ]}
        """.utf8)
        let response = try #require(ManyCustomerMetadataResponse.decode(body))
        #expect(response.errorCount == 1)
        #expect(response.results == [
            ItemResult(eventId: "5484e507-feaf-11ec-bfc1-fda566fa9333", error: "FAIL_BAD_PARAMS: ERROR: agent id cannot be blank"),
            ItemResult(eventId: "fcf99667-feaf-11ec-a42e-11799134528c", error: ""),
        ])
        #expect(response.results.map(\.succeeded) == [false, true])
        #expect(ManyCustomerMetadataResponse.decode(response.jsonValue().serialized()) == response)
    }

    @Test("many response tolerates absent optional fields")
    func manyResponseLenient() throws {
        let noCount = try #require(ManyCustomerMetadataResponse.decode(Array(#"{"results":[{"error":"x"},{"eventId":"e"},{"eventId":"f","error":null}]}"#.utf8)))
        #expect(noCount.errorCount == 1)
        #expect(noCount.results == [ItemResult(eventId: nil, error: "x"), ItemResult(eventId: "e", error: ""), ItemResult(eventId: "f", error: "")])
        #expect(ManyCustomerMetadataResponse.decode(Array(#"{"errorCount":0,"results":[]}"#.utf8))?.results == [])
    }

    @Test("the errors alone read as the full decode's errors", arguments: [
        #"{"errorCount":1,"results":[{"eventId":"a","error":""},{"eventId":"b","error":"FAIL_BAD_PARAMS: x"}]}"#,
        #"{"results":[{"error":"x"},{"eventId":"e"},{"eventId":"f","error":null}],"errorCount":1}"#,
        #"{"errorCount":0,"results":[]}"#,
        #"{"errorCount":1,"results":[{"eventId":null,"error":" "},{"error":"é \u00e9","eventId":"b"}]}"#,
        #"{"errorCount":0,"results":[{"eventId":"a\"b","error":""}]}"#,
        #"{"errorCount":0,"results":[{"eventId":"a","eventId":"b","error":""}]}"#,
        #"{"errorCount":0,"results":[{"eventId":"a","error":"","extra":1}]}"#,
        #"{"errorCount":0,"results":[{"eventId":7,"error":""}]}"#,
        #"{"results":[{"error":""}]"#, "", "[]",
    ])
    func manyResponseErrors(text: String) {
        let body = Array(text.utf8)
        #expect(ManyCustomerMetadataResponse.decodeErrors(body) == ManyCustomerMetadataResponse.decode(body)?.results.map(\.error))
    }

    @Test("the errors alone, in order")
    func manyResponseErrorsInOrder() {
        let body = Array(#"{"errorCount":1,"results":[{"eventId":"a","error":""},{"eventId":"b","error":"bad phone"}]}"#.utf8)
        #expect(ManyCustomerMetadataResponse.decodeErrors(body) == ["", "bad phone"])
        #expect(ManyCustomerMetadataResponse.decodeErrors(Array("not json".utf8)) == nil)
    }

    @Test("unparseable or mismatched many responses decode to nil", arguments: [
        "", "not json", "<html>502 Bad Gateway</html>", "[]", "{}", #"{"errorCount":1}"#, #"{"results":{}}"#,
        #"{"results":[1]}"#, #"{"results":[{"error":5}]}"#, #"{"results":[{"eventId":7,"error":""}]}"#,
        #"{"results":[{"error":""}]"#, #"{"error":{"requestId":"r","code":"401-01","message":"Unauthorized"}}"#,
    ])
    func manyResponseInvalid(text: String) {
        #expect(ManyCustomerMetadataResponse.decode(Array(text.utf8)) == nil)
    }

    @Test("single response")
    func singleResponse() {
        let ok = SingleCustomerMetadataResponse.decode(Array(#"{"result":{"eventId":"e-1","error":""}}"#.utf8))
        #expect(ok?.result == ItemResult(eventId: "e-1", error: ""))
        #expect(ok?.result.succeeded == true)
        let bad = SingleCustomerMetadataResponse.decode(Array(#"{"result":{"eventId":"e-2","error":"FAIL_BAD_PARAMS: ERROR: x"}}"#.utf8))
        #expect(bad?.result.succeeded == false)
        for text in ["", "{}", #"{"result":"ok"}"#, #"{"results":[]}"#, #"{"result":{"error":1}}"#] {
            #expect(SingleCustomerMetadataResponse.decode(Array(text.utf8)) == nil, "\(text)")
        }
    }

    @Test("error body")
    func errorBody() throws {
        let body = Array(#"{"error":{"requestId":"8e033668-9f1a-11ec-b909-0242ac120002","code":"401-01","message":"Unauthorized"}}"#.utf8)
        let error = try #require(APIErrorBody.decode(body))
        #expect(error == APIErrorBody(requestId: "8e033668-9f1a-11ec-b909-0242ac120002", code: "401-01", message: "Unauthorized"))
        #expect(error.description == "401-01 Unauthorized (request 8e033668-9f1a-11ec-b909-0242ac120002)")
        #expect(APIErrorBody.decode(error.jsonValue().serialized()) == error)
        #expect(APIErrorBody.decode(Array(#"{"error":{"message":"m"}}"#.utf8)) == APIErrorBody(requestId: nil, code: nil, message: "m"))
        for text in ["", "oops", "{}", #"{"error":"Unauthorized"}"#, #"{"message":"x"}"#] {
            #expect(APIErrorBody.decode(Array(text.utf8)) == nil, "\(text)")
        }
    }

    @Test("constants")
    func constants() {
        #expect(MetadataIngestionAPI.manyCustomerMetadataPath == "/metadata-ingestion/v1/many-customer-metadata")
        #expect(MetadataIngestionAPI.singleCustomerMetadataPath == "/metadata-ingestion/v1/single-customer-metadata")
        #expect(MetadataIngestionAPI.apiIDHeader == "asapp-api-id")
        #expect(MetadataIngestionAPI.apiSecretHeader == "asapp-api-secret")
        #expect(MetadataIngestionAPI.maxItemsPerRequest == 1000)
    }
}
